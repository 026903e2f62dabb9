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
 * entry and lasts 5 hours; the first entry past its end starts the next one (ccusage also splits
 * at a 5-hour gap; a gap that long always reaches past the block's end, so the end alone decides).
 * The burn rate is the block's totals over the time from its first entry to now, at least a
 * minute, projected to the block's end. ccusage divides by the time to the last entry instead,
 * which a block's first seconds turn into hundreds of dollars an hour; to now, a pause lowers
 * the rate, as it lowers what the block will reach. Null when no block is running at `nowMs`.
 * `points` oldest first, reaching back far enough to find where the running block began (a day
 * is plenty but for non-stop use, where blocks chain back to back; this is an estimate).
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
  const minutes = Math.max(1, (nowMs - block.first) / 60_000);
  const costPerHour = (block.cost / minutes) * 60;
  const tokensPerMinute = block.tokens / minutes;
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
