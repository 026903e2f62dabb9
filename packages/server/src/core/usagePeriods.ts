import type { ModelBreakdown, PeriodUsage, UsageTotals } from '@claudelens/protocol';
import { localDate, mondayOf } from './usageTime.js';

/**
 * One request as usage reports see it (the store's UsageRequest has these fields and more), or
 * requests of one model within one minute summed (the store's UsageBucket): `timestamp` is then
 * the first one's time, `lastTimestamp` the last one's, `entries` how many. A minute lies in one
 * local date of every zone in use since 1900 (their offsets are whole minutes).
 */
export interface UsageEntry extends UsageAmounts {
  timestamp: string;
  lastTimestamp?: string;
  entries?: number;
}

/** What one request, or a sum of requests of one model, used and cost: the fields every usage figure adds. */
export interface UsageAmounts {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
}

export type PeriodKind = 'daily' | 'weekly' | 'monthly';
export type Order = 'asc' | 'desc';

export interface PeriodOptions {
  timeZone: string;
  /** Local dates, `YYYY-MM-DD`, both inclusive: entries outside them are left out. */
  since?: string;
  until?: string;
  order?: Order;
}

/** The period an instant falls in: its local date, the Monday of its week, or `YYYY-MM`. */
export function periodOf(kind: PeriodKind, epochMs: number, timeZone: string): string {
  const date = localDate(epochMs, timeZone);
  if (kind === 'daily') return date;
  if (kind === 'weekly') return mondayOf(date);
  return date.slice(0, 7);
}

/** Entries in a local date range, as ccusage's --since/--until select them (on each entry's local date). */
export function withinDates<T extends UsageEntry>(entries: T[], options: Pick<PeriodOptions, 'timeZone' | 'since' | 'until'>): T[] {
  if (options.since === undefined && options.until === undefined) return entries;
  return entries.filter((entry) => {
    const date = localDate(Date.parse(entry.timestamp), options.timeZone);
    return (options.since === undefined || date >= options.since) && (options.until === undefined || date <= options.until);
  });
}

/** ccusage's daily/weekly/monthly rows: totals per period, models by name, breakdowns by cost. */
export function groupByPeriod(entries: UsageEntry[], kind: PeriodKind, options: PeriodOptions): { rows: PeriodUsage[]; totals: UsageTotals } {
  const byPeriod = new Map<string, Map<string, ModelBreakdown>>();
  for (const entry of withinDates(entries, options)) {
    const period = periodOf(kind, Date.parse(entry.timestamp), options.timeZone);
    let models = byPeriod.get(period);
    if (!models) byPeriod.set(period, (models = new Map()));
    let model = models.get(entry.model);
    if (!model) {
      model = { cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0, inputTokens: 0, modelName: entry.model, outputTokens: 0 };
      models.set(entry.model, model);
    }
    model.inputTokens += entry.inputTokens;
    model.outputTokens += entry.outputTokens;
    model.cacheCreationTokens += entry.cacheCreationTokens;
    model.cacheReadTokens += entry.cacheReadTokens;
    model.cost += entry.cost;
  }
  const periods = [...byPeriod.keys()].sort();
  if (options.order === 'desc') periods.reverse();
  const rows = periods.map((period) => periodRow(period, [...(byPeriod.get(period) as Map<string, ModelBreakdown>).values()]));
  return { rows, totals: sumTotals(rows) };
}

function periodRow(period: string, models: ModelBreakdown[]): PeriodUsage {
  const t = sumTotals(models.map((m) => ({ ...m, totalCost: m.cost, totalTokens: 0 })));
  return {
    agent: 'all',
    cacheCreationTokens: t.cacheCreationTokens,
    cacheReadTokens: t.cacheReadTokens,
    inputTokens: t.inputTokens,
    metadata: { agents: ['claude'] },
    modelBreakdowns: [...models].sort((a, b) => b.cost - a.cost),
    modelsUsed: models.map((m) => m.modelName).sort(),
    outputTokens: t.outputTokens,
    period,
    totalCost: t.totalCost,
    totalTokens: t.totalTokens,
  };
}

export function sumTotals(rows: Omit<UsageTotals, 'totalTokens'>[]): UsageTotals {
  const totals: UsageTotals = { cacheCreationTokens: 0, cacheReadTokens: 0, inputTokens: 0, outputTokens: 0, totalCost: 0, totalTokens: 0 };
  for (const row of rows) {
    totals.cacheCreationTokens += row.cacheCreationTokens;
    totals.cacheReadTokens += row.cacheReadTokens;
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.totalCost += row.totalCost;
  }
  totals.totalTokens = totals.inputTokens + totals.outputTokens + totals.cacheCreationTokens + totals.cacheReadTokens;
  return totals;
}
