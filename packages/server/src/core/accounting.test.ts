import { describe, expect, it } from 'vitest';
import { claimRequest, mergeRequest, priceRequest, requestStart, type RequestRecord } from './accounting.js';
import { createPriceBook } from './pricing.js';
import { ZERO_USAGE } from './usage.js';

function request(output: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    messageId: 'msg_1',
    requestId: 'req_1',
    sessionId: 's',
    agentId: '',
    model: 'm',
    timestamp: null,
    lineUuid: null,
    usage: { ...ZERO_USAGE, input: 10, cacheRead: 100, output },
    cost: output / 1000,
    costSource: 'computed',
    serverToolCost: 0,
    dataResidencyCost: 0,
    estimatedCost: null,
    estimateBasis: null,
    ...extra,
  };
}

describe('mergeRequest', () => {
  it('counts a request the first time it is seen', () => {
    expect(mergeRequest(undefined, request(5))?.delta).toEqual({
      requests: 1,
      inputTokens: 10,
      outputTokens: 5,
      cacheCreationTokens: 0,
      cacheReadTokens: 100,
      cost: 0.005,
    });
  });

  it('treats a later line with more output as a correction: a delta, not a second request', () => {
    const change = mergeRequest(request(5), request(40));
    expect(change?.record.usage.output).toBe(40);
    expect(change?.delta).toEqual({ requests: 0, inputTokens: 0, outputTokens: 35, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0.035 });
  });

  it("dates a request by its winning line, as ccusage 20 does, and keeps its start for live windows and activity", () => {
    const first = request(5, { timestamp: '2026-04-18T13:26:43.606Z', lineUuid: 'a' });
    const change = mergeRequest(first, request(40, { timestamp: '2026-04-18T13:26:50.147Z', lineUuid: 'b' }));
    expect(change?.record).toMatchObject({ timestamp: '2026-04-18T13:26:50.147Z', startedAt: '2026-04-18T13:26:43.606Z', lineUuid: 'b' });
    expect(requestStart(change!.record)).toBe('2026-04-18T13:26:43.606Z');
    // A record stored before the start was kept started at its own time.
    expect(requestStart(mergeRequest(undefined, first)!.record)).toBe('2026-04-18T13:26:43.606Z');
  });

  it('ignores a line with less output (an earlier, partial line read late) and an identical line', () => {
    expect(mergeRequest(request(40), request(5))).toBeNull();
    expect(mergeRequest(request(40), request(40))).toBeNull();
  });
});

describe('mergeRequest and the last line of a response', () => {
  it('takes a line with the same output that adds server tool use (written on the last line only), adding no tokens', () => {
    const last = request(40, { usage: { ...request(40).usage, webSearchRequests: 2 }, serverToolCost: 0.02 });
    const change = mergeRequest(request(40), last);
    expect(change?.record.serverToolCost).toBe(0.02);
    expect(change?.delta).toEqual({ requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0 });
  });
});

describe('claimRequest: one request in two sessions (a resumed copy)', () => {
  const starts: Record<string, string> = { early: '2026-04-18T13:00:00.000Z', late: '2026-04-18T16:00:00.000Z' };
  const startOf = (id: string) => ({ first: starts[id] ?? null, mainFirst: null });

  it('moves the request to the session that started first: one loses it, the other gains it', () => {
    const changes = claimRequest(request(40, { sessionId: 'late' }), request(40, { sessionId: 'early' }), startOf);
    expect(changes.map((c) => [c.record.sessionId, c.delta.requests, c.delta.outputTokens])).toEqual([
      ['late', -1, -40],
      ['early', 1, 40],
    ]);
  });

  it('leaves it where it is when that session started first, taking a correction there', () => {
    expect(claimRequest(request(40, { sessionId: 'early' }), request(40, { sessionId: 'late' }), startOf)).toEqual([]);
    const [change] = claimRequest(request(40, { sessionId: 'early' }), request(50, { sessionId: 'late' }), startOf);
    expect(change?.record.sessionId).toBe('early');
    expect(change?.delta.outputTokens).toBe(10);
  });

  it('takes it from a session whose main thread started after the request, even when both seem to start together', () => {
    const at = '2026-04-18T13:20:00.000Z';
    const sameFirst = { first: '2026-04-18T13:20:00.000Z' };
    const startOf = (id: string) => (id === 'copy' ? { ...sameFirst, mainFirst: '2026-04-18T16:00:00.000Z' } : { ...sameFirst, mainFirst: null });
    const changes = claimRequest(request(40, { sessionId: 'copy', timestamp: at }), request(40, { sessionId: 'original', timestamp: at }), startOf);
    expect(changes.map((c) => [c.record.sessionId, c.delta.requests])).toEqual([
      ['copy', -1],
      ['original', 1],
    ]);
    expect(claimRequest(request(40, { sessionId: 'original', timestamp: at }), request(40, { sessionId: 'copy', timestamp: at }), startOf)).toEqual([]);
  });
});

describe('priceRequest', () => {
  const prices = createPriceBook({ models: { m: { input: 1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 } } });

  it("uses an old line's own costUSD first", () => {
    expect(priceRequest('m', { ...ZERO_USAGE, output: 1_000_000 }, 0.25, prices)).toEqual({ cost: 0.25, costSource: 'reported', serverToolCost: 0, dataResidencyCost: 0, estimatedCost: null, estimateBasis: null });
  });

  it('computes from the table, and reports an unknown model as unpriced rather than free', () => {
    expect(priceRequest('m', { ...ZERO_USAGE, output: 1_000_000 }, undefined, prices)).toEqual({ cost: 1, costSource: 'computed', serverToolCost: 0, dataResidencyCost: 0, estimatedCost: null, estimateBasis: null });
    expect(priceRequest('nope', { ...ZERO_USAGE, output: 1 }, undefined, prices)).toEqual({ cost: 0, costSource: 'unpriced', serverToolCost: 0, dataResidencyCost: 0, estimatedCost: null, estimateBasis: null });
  });
});
