import type { UsageBlock } from '@claudelens/protocol';
import { localDate } from './usageTime.js';
import type { UsageEntry } from './usagePeriods.js';

// 5-hour billing blocks exactly as ccusage 20 computes them: a block starts at the hour floor of
// its first entry and takes every entry until one comes more than 5 hours after the block's start
// or after the previous entry; a silence longer than 5 hours is a gap block of its own. `now`
// decides which block is active and its projection, so it is passed in.

export const BLOCK_HOURS = 5;
const HOUR_MS = 3_600_000;
/** ccusage's warning share of --token-limit. */
const WARNING_SHARE = 0.8;

export interface BlockOptions {
  now: number;
  blockHours?: number;
}

interface Built {
  start: number;
  first: number;
  last: number;
  entries: UsageEntry[];
}

export function usageBlocks(entries: UsageEntry[], options: BlockOptions): UsageBlock[] {
  const blockMs = (options.blockHours ?? BLOCK_HOURS) * HOUR_MS;
  const sorted = entries.map((entry) => ({ entry, at: Date.parse(entry.timestamp), lastAt: Date.parse(entry.lastTimestamp ?? entry.timestamp) })).sort((a, b) => a.at - b.at);
  const blocks: UsageBlock[] = [];
  let current: Built | null = null;
  let lastAt = 0;
  // A minute's bucket (UsageEntry) never straddles a block: blocks end on the hour (the store puts
  // a request exactly on it in a bucket of its own) and its requests are under a minute apart, so
  // the first one decides and the others follow it.
  for (const { entry, at, lastAt: entryLast } of sorted) {
    if (current === null) {
      current = { start: floorToHour(at), first: at, last: entryLast, entries: [entry] };
    } else if (at - current.start > blockMs || at - lastAt > blockMs) {
      blocks.push(block(current, blockMs, options.now));
      if (at - lastAt > blockMs) blocks.push(gapBlock(lastAt, at, blockMs));
      current = { start: floorToHour(at), first: at, last: entryLast, entries: [entry] };
    } else {
      current.entries.push(entry);
      current.last = Math.max(current.last, entryLast);
    }
    lastAt = Math.max(lastAt, entryLast);
  }
  if (current !== null) blocks.push(block(current, blockMs, options.now));
  return blocks;
}

function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function block({ start, first, last, entries }: Built, blockMs: number, now: number): UsageBlock {
  const end = start + blockMs;
  let count = 0;
  const tokenCounts = { cacheCreationInputTokens: 0, cacheReadInputTokens: 0, inputTokens: 0, outputTokens: 0 };
  let costUSD = 0;
  const models: string[] = [];
  for (const entry of entries) {
    tokenCounts.inputTokens += entry.inputTokens;
    tokenCounts.outputTokens += entry.outputTokens;
    tokenCounts.cacheCreationInputTokens += entry.cacheCreationTokens;
    tokenCounts.cacheReadInputTokens += entry.cacheReadTokens;
    costUSD += entry.cost;
    count += entry.entries ?? 1;
    if (!models.includes(entry.model)) models.push(entry.model);
  }
  const totalTokens = tokenCounts.inputTokens + tokenCounts.outputTokens + tokenCounts.cacheCreationInputTokens + tokenCounts.cacheReadInputTokens;
  const isActive = now - last < blockMs && now < end;
  const minutes = (last - first) / 60_000;
  const burnRate =
    isActive && minutes > 0
      ? {
          costPerHour: (costUSD / minutes) * 60,
          tokensPerMinute: totalTokens / minutes,
          tokensPerMinuteForIndicator: (tokenCounts.inputTokens + tokenCounts.outputTokens) / minutes,
        }
      : null;
  let projection: UsageBlock['projection'] = null;
  if (burnRate) {
    const remainingMinutes = Math.max(0, (end - now) / 60_000);
    projection = {
      remainingMinutes: Math.round(remainingMinutes),
      totalCost: Math.round((costUSD + (burnRate.costPerHour / 60) * remainingMinutes) * 100) / 100,
      totalTokens: Math.round(totalTokens + burnRate.tokensPerMinute * remainingMinutes),
    };
  }
  return {
    actualEndTime: new Date(last).toISOString(),
    burnRate,
    costUSD,
    endTime: new Date(end).toISOString(),
    entries: count,
    id: new Date(start).toISOString(),
    isActive,
    isGap: false,
    models,
    projection,
    startTime: new Date(start).toISOString(),
    tokenCounts,
    totalTokens,
  };
}

function gapBlock(lastAt: number, nextAt: number, blockMs: number): UsageBlock {
  const start = new Date(lastAt + blockMs).toISOString();
  return {
    actualEndTime: null,
    burnRate: null,
    costUSD: 0,
    endTime: new Date(nextAt).toISOString(),
    entries: 0,
    id: `gap-${start}`,
    isActive: false,
    isGap: true,
    models: [],
    projection: null,
    startTime: start,
    tokenCounts: { cacheCreationInputTokens: 0, cacheReadInputTokens: 0, inputTokens: 0, outputTokens: 0 },
    totalTokens: 0,
  };
}

/**
 * --token-limit: a token count, or 'max', the largest finished block among `blocks`. ccusage 20
 * takes 'max' over the blocks left after --active/--recent/--since, so this runs after them.
 */
export function withTokenLimit(blocks: UsageBlock[], tokenLimit: number | 'max'): void {
  const limit = tokenLimit === 'max' ? Math.max(0, ...blocks.filter((b) => !b.isGap && !b.isActive).map((b) => b.totalTokens)) : tokenLimit;
  if (limit <= 0) return;
  for (const b of blocks) {
    if (!b.projection) continue;
    const projected = b.projection.totalTokens;
    b.tokenLimitStatus = {
      limit,
      percentUsed: (projected / limit) * 100,
      projectedUsage: projected,
      status: projected > limit ? 'exceeds' : projected > limit * WARNING_SHARE ? 'warning' : 'ok',
    };
  }
}

/** ccusage's --recent: blocks that started in the last 3 days, and the active one. */
export function recentBlocks(blocks: UsageBlock[], now: number, days = 3): UsageBlock[] {
  const cutoff = now - days * 24 * HOUR_MS;
  return blocks.filter((b) => Date.parse(b.startTime) >= cutoff || b.isActive);
}

/** Blocks whose start falls within local dates (inclusive), as --since/--until select blocks. */
export function blocksWithinDates(blocks: UsageBlock[], timeZone: string, since?: string, until?: string): UsageBlock[] {
  return blocks.filter((b) => {
    const date = localDate(Date.parse(b.startTime), timeZone);
    return (since === undefined || date >= since) && (until === undefined || date <= until);
  });
}
