import type { BlockEstimate } from '@claudelens/protocol';

const HOUR_MS = 3600_000;
export const BLOCK_MS = 5 * HOUR_MS;

/** Cost and tokens used at one time (a second of requests: the store's activity). */
export interface UsagePoint {
  atMs: number;
  cost: number;
  tokens: number;
}

/**
 * The 5-hour block running now, by ccusage's rule: a block starts at the hour (UTC) of its first
 * entry and lasts 5 hours; the first entry past its end starts the next one.
 * The burn rate is the block's totals over the time from its first entry to its last (ccusage's
 * too), projected to the block's end. (ccusage also splits at a 5-hour gap; a gap that long
 * always reaches past the block's end, so the end alone decides.) Null when no block is running at `nowMs`. `points` oldest
 * first, reaching back far enough to find where the running block began (a day is plenty but for
 * non-stop use, where blocks chain back to back and this is only an estimate anyway).
 */
export function currentBlock(points: readonly UsagePoint[], nowMs: number): BlockEstimate | null {
  let block: { start: number; first: number; last: number; cost: number; tokens: number } | null = null;
  for (const p of points) {
    if (p.cost <= 0 && p.tokens <= 0) continue;
    if (!block || p.atMs >= block.start + BLOCK_MS) {
      block = { start: Math.floor(p.atMs / HOUR_MS) * HOUR_MS, first: p.atMs, last: p.atMs, cost: 0, tokens: 0 };
    }
    block.last = p.atMs;
    block.cost += p.cost;
    block.tokens += p.tokens;
  }
  if (!block || nowMs >= block.start + BLOCK_MS) return null;
  const end = block.start + BLOCK_MS;
  const minutes = (block.last - block.first) / 60_000;
  const costPerHour = minutes > 0 ? (block.cost / minutes) * 60 : 0;
  const tokensPerMinute = minutes > 0 ? block.tokens / minutes : 0;
  const remainingMinutes = Math.max(0, (end - nowMs) / 60_000);
  return {
    label: 'estimate',
    start: new Date(block.start).toISOString(),
    end: new Date(end).toISOString(),
    last_activity: new Date(block.last).toISOString(),
    cost_usd: round(block.cost, 6),
    tokens: block.tokens,
    burn_rate: { cost_per_hour: round(costPerHour, 6), tokens_per_minute: round(tokensPerMinute, 2) },
    projection: {
      cost_usd: round(block.cost + (costPerHour / 60) * remainingMinutes, 6),
      tokens: Math.round(block.tokens + tokensPerMinute * remainingMinutes),
    },
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
