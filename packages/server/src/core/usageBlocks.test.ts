import { describe, expect, it } from 'vitest';
import { recentBlocks, usageBlocks, withTokenLimit } from './usageBlocks.js';
import type { UsageEntry } from './usagePeriods.js';

const entry = (timestamp: string, output = 100, cost = 1): UsageEntry => ({ timestamp, model: 'm', inputTokens: 0, outputTokens: output, cacheCreationTokens: 0, cacheReadTokens: 0, cost });
const at = (iso: string) => Date.parse(iso);

describe('usageBlocks', () => {
  const entries = [entry('2026-03-08T10:20:00Z'), entry('2026-03-08T11:20:00Z'), entry('2026-03-08T15:10:00Z')];

  it('starts a block at the hour floor and ends it 5 hours later, whatever the gaps inside', () => {
    const blocks = usageBlocks(entries, { now: at('2026-04-01T00:00:00Z') });
    // 15:10 is more than 5 h after 10:00: a new block, with no gap block (11:20 → 15:10 is under 5 h).
    expect(blocks.map((b) => [b.startTime, b.endTime, b.actualEndTime, b.entries, b.isGap, b.isActive])).toEqual([
      ['2026-03-08T10:00:00.000Z', '2026-03-08T15:00:00.000Z', '2026-03-08T11:20:00.000Z', 2, false, false],
      ['2026-03-08T15:00:00.000Z', '2026-03-08T20:00:00.000Z', '2026-03-08T15:10:00.000Z', 1, false, false],
    ]);
    expect(blocks.every((b) => b.burnRate === null && b.projection === null)).toBe(true);
  });

  it('makes the block active while its end is ahead and its last request under 5 hours old, with burn rate and projection', () => {
    const now = at('2026-03-08T11:50:00Z');
    const [active] = usageBlocks(entries.slice(0, 2), { now });
    expect(active?.isActive).toBe(true);
    // 200 tokens and $2 over the 60 minutes from first to last request.
    expect(active?.burnRate).toEqual({ costPerHour: 2, tokensPerMinute: 200 / 60, tokensPerMinuteForIndicator: 200 / 60 });
    // 190 minutes left at that pace.
    expect(active?.projection).toEqual({ remainingMinutes: 190, totalCost: Math.round((2 + (2 / 60) * 190) * 100) / 100, totalTokens: Math.round(200 + (200 / 60) * 190) });
    expect(recentBlocks(usageBlocks(entries, { now: at('2026-03-20T00:00:00Z') }), at('2026-03-20T00:00:00Z'))).toEqual([]);
  });

  it('marks a silence over 5 hours as a gap block, from the last request + 5 h to the next', () => {
    const blocks = usageBlocks([entry('2026-03-08T10:20:00Z'), entry('2026-03-09T02:00:00Z')], { now: at('2026-04-01T00:00:00Z') });
    expect(blocks[1]).toMatchObject({ id: 'gap-2026-03-08T15:20:00.000Z', isGap: true, startTime: '2026-03-08T15:20:00.000Z', endTime: '2026-03-09T02:00:00.000Z', actualEndTime: null, entries: 0 });
  });

  it('rates the active block\'s projection against a token limit, or the largest finished block shown', () => {
    const blocks = usageBlocks([entry('2026-03-07T10:00:00Z', 50), entry('2026-03-08T11:00:00Z'), entry('2026-03-08T11:30:00Z')], { now: at('2026-03-08T11:40:00Z') });
    withTokenLimit(blocks, 'max');
    const status = blocks.at(-1)?.tokenLimitStatus;
    expect(status).toMatchObject({ limit: 50, status: 'exceeds' });
    const alone = blocks.filter((b) => b.isActive).map((b) => ({ ...b, tokenLimitStatus: undefined }));
    withTokenLimit(alone, 'max');
    expect(alone[0]?.tokenLimitStatus).toBeUndefined();
  });

  it('gives the same blocks from requests summed per minute and model (the store\'s buckets) as from the requests', () => {
    const now = at('2026-03-08T15:00:40Z');
    // 15:00:00.000 ends the 10:00 block; 15:00:30 in the same minute starts the next one.
    const requests = [
      { ...entry('2026-03-08T10:20:05.000Z'), model: 'a' },
      { ...entry('2026-03-08T10:20:40.000Z', 50, 0.5), model: 'b' },
      { ...entry('2026-03-08T10:20:50.000Z'), model: 'a' },
      { ...entry('2026-03-08T15:00:00.000Z'), model: 'a' },
      { ...entry('2026-03-08T15:00:30.000Z', 10, 0.25), model: 'a' },
    ];
    const bucket = (timestamp: string, lastTimestamp: string, model: string, outputTokens: number, cost: number, entries: number): UsageEntry => ({ ...entry(timestamp, outputTokens, cost), lastTimestamp, model, entries });
    const buckets = [
      bucket('2026-03-08T10:20:05.000Z', '2026-03-08T10:20:50.000Z', 'a', 200, 2, 2),
      bucket('2026-03-08T10:20:40.000Z', '2026-03-08T10:20:40.000Z', 'b', 50, 0.5, 1),
      bucket('2026-03-08T15:00:00.000Z', '2026-03-08T15:00:00.000Z', 'a', 100, 1, 1),
      bucket('2026-03-08T15:00:30.000Z', '2026-03-08T15:00:30.000Z', 'a', 10, 0.25, 1),
    ];
    const expected = usageBlocks(requests, { now });
    expect(expected.filter((b) => !b.isGap).map((b) => b.entries)).toEqual([4, 1]);
    expect(usageBlocks(buckets, { now })).toEqual(expected);
  });
});
