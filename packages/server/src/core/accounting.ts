import { inferPrice } from './inferPrice.js';
import { costOf, extraChargesOf, type PriceBook } from './pricing.js';
import { cacheCreationTokens, type Usage } from './usage.js';

/** One API request: Claude Code splits a response over several lines that share this key. */
export interface RequestKey {
  messageId: string;
  requestId: string;
}

export type CostSource = 'reported' | 'computed' | 'unpriced';

export interface RequestRecord extends RequestKey {
  sessionId: string;
  /** '' for the main thread; the subagent's id (or 'sidechain' for 1.0.x inline runs) otherwise. */
  agentId: string;
  model: string;
  /** The winning line's time (ccusage 20 puts a request on that line's day: reports follow it). */
  timestamp: string | null;
  /** The request's first line's time, its start: where live rate windows and per-second activity count it. */
  startedAt?: string | null;
  lineUuid: string | null;
  usage: Usage;
  /** The token cost, as ccusage computes it. */
  cost: number;
  costSource: CostSource;
  /** Server tool fees (web search), USD: on the bill, not in ccusage's figures. */
  serverToolCost: number;
  /** The US-only inference premium, USD: on the bill, not in ccusage's figures. */
  dataResidencyCost: number;
  /** An unpriced request: what it would cost at `estimateBasis`'s price (core/inferPrice.ts); null when unknown. */
  estimatedCost: number | null;
  estimateBasis: string | null;
}

/** Token and cost totals; used for sessions, agents and deltas alike. */
export interface Totals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
}

export const emptyTotals = (): Totals => ({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationTokens: 0,
  cacheReadTokens: 0,
  cost: 0,
});

export function requestKeyString(key: RequestKey): string {
  return `${key.messageId}\u0000${key.requestId}`;
}

/** Prices a request: an old line's own `costUSD` wins, then the price table, else unpriced. */
export function priceRequest(
  model: string,
  usage: Usage,
  reportedCost: number | undefined,
  prices: PriceBook,
): Pick<RequestRecord, 'cost' | 'costSource' | 'serverToolCost' | 'dataResidencyCost' | 'estimatedCost' | 'estimateBasis'> {
  const price = prices.lookup(model);
  // Built field by field: an object spread here cost more than the pricing itself (docs/ingest.md, "Import speed").
  const costSource: CostSource = reportedCost !== undefined ? 'reported' : price ? 'computed' : 'unpriced';
  const cost = reportedCost ?? (price ? costOf(usage, price) : 0);
  const extra = extraChargesOf(usage, cost, price);
  const inferred = costSource === 'unpriced' ? inferPrice(model, prices) : undefined;
  return {
    cost,
    costSource,
    serverToolCost: extra.serverTools,
    dataResidencyCost: extra.dataResidency,
    estimatedCost: inferred ? costOf(usage, inferred.price) : null,
    estimateBasis: inferred?.basis ?? null,
  };
}

/** A copy of a request under another owner and start, written out for the reason priceRequest's result is. */
function copyRequest(r: RequestRecord, owner: Pick<RequestRecord, 'sessionId' | 'agentId'>, startedAt: string | null | undefined): RequestRecord {
  return {
    messageId: r.messageId,
    requestId: r.requestId,
    sessionId: owner.sessionId,
    agentId: owner.agentId,
    model: r.model,
    timestamp: r.timestamp,
    startedAt,
    lineUuid: r.lineUuid,
    usage: r.usage,
    cost: r.cost,
    costSource: r.costSource,
    serverToolCost: r.serverToolCost,
    dataResidencyCost: r.dataResidencyCost,
    estimatedCost: r.estimatedCost,
    estimateBasis: r.estimateBasis,
  };
}

/**
 * Decides what a newly read line means for its request. The line with the largest
 * `output_tokens` wins (the count is a running total); a later line that raises it corrects
 * the request rather than adding one. Returns null when nothing changes.
 *
 * A request has two times. `timestamp` is the winning line's, as ccusage 20 dates a request
 * (usage reports by day, week and month equal ccusage's). `startedAt` is its first line's: the
 * per-second activity the store answers and the live rate windows put a request, and every
 * correction's delta, there. Dating activity by the winning line moved a request up to half a
 * minute (a response's last block) after the live windows had counted most of it, so
 * per-minute series disagreed.
 */
export function mergeRequest(
  stored: RequestRecord | undefined,
  incoming: RequestRecord,
): { record: RequestRecord; delta: Totals } | null {
  if (stored && incoming.usage.output < stored.usage.output) return null;
  if (stored && incoming.usage.output === stored.usage.output && sameUsage(stored.usage, incoming.usage)) return null;
  const delta = subtract(totalsOf(incoming), stored ? totalsOf(stored) : emptyTotals());
  return { record: copyRequest(incoming, incoming, earliest(stored ? requestStart(stored) : null, requestStart(incoming))), delta };
}

/** When a request started: its first line's time (records stored before it was kept: their time). */
export function requestStart(record: RequestRecord): string | null {
  return record.startedAt ?? record.timestamp;
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** A change to one session's totals: `delta` applies to `record.sessionId` and `record.agentId`. */
export interface RequestDelta {
  record: RequestRecord;
  delta: Totals;
}

/** What is known so far of when a session started (ISO times; null: no line known). */
export interface SessionStart {
  /** Its earliest line. */
  first: string | null;
  /** Its earliest main-thread (not sidechain) line. */
  mainFirst: string | null;
}

/**
 * `mergeRequest` across sessions. A resumed session copies its subagent's lines, message and
 * request ids included, into its own files under its own session id: such a request is counted
 * once, in the session where it first happened, so that the answer does not depend on which file
 * is read first. A session whose main thread started after the request cannot be where it
 * happened (a subagent runs after its session's first prompt); otherwise the session that started
 * first wins, and on a tie the session holding it keeps it. A move is two deltas: the stored
 * session loses the request, the other one gains it.
 */
export function claimRequest(
  stored: RequestRecord | undefined,
  incoming: RequestRecord,
  startOf: (sessionId: string) => SessionStart,
): RequestDelta[] {
  if (!stored || stored.sessionId === incoming.sessionId) {
    const change = mergeRequest(stored, incoming);
    return change ? [change] : [];
  }
  if (!movesTo(startOf(stored.sessionId), startOf(incoming.sessionId), incoming.timestamp ?? stored.timestamp)) {
    const change = mergeRequest(stored, copyRequest(incoming, stored, incoming.startedAt));
    return change ? [change] : [];
  }
  const winner = incoming.usage.output >= stored.usage.output ? incoming : stored;
  const best = copyRequest(winner, incoming, earliest(requestStart(stored), requestStart(incoming)));
  return [
    { record: stored, delta: subtract(emptyTotals(), totalsOf(stored)) },
    { record: best, delta: totalsOf(best) },
  ];
}

/** Whether a request held by the `held` session belongs to the `other` one instead. */
function movesTo(held: SessionStart, other: SessionStart, at: string | null): boolean {
  const copiedInto = (s: SessionStart) => at !== null && s.mainFirst !== null && s.mainFirst > at;
  if (copiedInto(held) !== copiedInto(other)) return copiedInto(held);
  return other.first !== null && (held.first === null || other.first < held.first);
}

function sameUsage(a: Usage, b: Usage): boolean {
  return (
    a.input === b.input &&
    a.output === b.output &&
    a.cacheWrite5m === b.cacheWrite5m &&
    a.cacheWrite1h === b.cacheWrite1h &&
    a.cacheRead === b.cacheRead &&
    // Claude Code writes server_tool_use and inference_geo on a response's last line only.
    a.webSearchRequests === b.webSearchRequests &&
    a.webFetchRequests === b.webFetchRequests &&
    a.inferenceGeo === b.inferenceGeo
  );
}

export function totalsOf(record: RequestRecord): Totals {
  return {
    requests: 1,
    inputTokens: record.usage.input,
    outputTokens: record.usage.output,
    cacheCreationTokens: cacheCreationTokens(record.usage),
    cacheReadTokens: record.usage.cacheRead,
    cost: record.cost,
  };
}

export function addTotals(into: Totals, delta: Totals): Totals {
  into.requests += delta.requests;
  into.inputTokens += delta.inputTokens;
  into.outputTokens += delta.outputTokens;
  into.cacheCreationTokens += delta.cacheCreationTokens;
  into.cacheReadTokens += delta.cacheReadTokens;
  into.cost += delta.cost;
  return into;
}

export function subtract(a: Totals, b: Totals): Totals {
  return {
    requests: a.requests - b.requests,
    inputTokens: a.inputTokens - b.inputTokens,
    outputTokens: a.outputTokens - b.outputTokens,
    cacheCreationTokens: a.cacheCreationTokens - b.cacheCreationTokens,
    cacheReadTokens: a.cacheReadTokens - b.cacheReadTokens,
    cost: a.cost - b.cost,
  };
}
