import type { UsageFigures, UsageGroup, UsagePeriod, UsageResponse, UsageSlice } from '@claudelens/protocol';
import { usageBlocks } from './usageBlocks.js';
import { periodOf, type PeriodKind, type UsageEntry } from './usagePeriods.js';
import { localDate, startOfLocalDate } from './usageTime.js';

// The body of GET /api/v1/usage from stored requests: periods (every one in the range, for a
// chart), totals and breakdowns. docs/usage.md describes each figure and the tool rule.

/** A stored request with what the breakdowns group by (the store's UsageRequest); `timestamp` is its stored line's, the one whose usage counts. */
export interface UsageRecord extends UsageEntry {
  sessionId: string;
  /** '' for the main thread. */
  agentId: string;
  projectPath: string | null;
  unpriced: boolean;
  /** The tools the request's stored line calls. */
  toolNames: string[];
  /** The type the request's subagent run was started as; null: main thread or not linked. */
  subagentType: string | null;
}

export interface SummaryOptions {
  group: UsageGroup;
  timeZone: string;
  /** Local dates, inclusive; null: from the first request / to the last. */
  from: string | null;
  to: string | null;
  now: number;
  top: number;
}

export const NO_TOOL = '(no tool)';
/** A subagent run whose starting Task/Agent call was not found (docs/usage.md). */
export const UNKNOWN_SUBAGENT_TYPE = 'unknown';
const KIND: Record<Exclude<UsageGroup, 'block'>, PeriodKind> = { day: 'daily', week: 'weekly', month: 'monthly' };

/** The instants a request must fall between to be in [from, to] (local dates in `timeZone`). */
export function windowOf(from: string | null, to: string | null, timeZone: string): { from?: string; to?: string } {
  return {
    from: from === null ? undefined : new Date(startOfLocalDate(from, timeZone)).toISOString(),
    to: to === null ? undefined : new Date(startOfLocalDate(addDays(to, 1), timeZone)).toISOString(),
  };
}

export function summariseUsage(records: UsageRecord[], options: SummaryOptions): UsageResponse {
  const { timeZone } = options;
  const inRange = records.filter((r) => {
    const date = localDate(Date.parse(r.timestamp), timeZone);
    return (options.from === null || date >= options.from) && (options.to === null || date <= options.to);
  });
  const totals = figures();
  const models = new Slices();
  const projects = new Slices();
  const sessions = new Slices();
  const agents = new Slices();
  const subagentTypes = new Slices();
  const tools = new Slices();
  for (const r of inRange) {
    add(totals, r, 1);
    models.add(r.model, r);
    projects.add(r.projectPath ?? '(no project)', r);
    sessions.add(r.sessionId, r, 1, { projectPath: r.projectPath });
    agents.add(r.agentId === '' ? 'main' : r.agentId, r, 1, r.agentId === '' ? {} : { sessionId: r.sessionId, projectPath: r.projectPath });
    subagentTypes.add(r.agentId === '' ? 'main' : (r.subagentType ?? UNKNOWN_SUBAGENT_TYPE), r);
    const called = r.toolNames.length === 0 ? [NO_TOOL] : r.toolNames;
    const calls = new Map<string, number>();
    for (const tool of called) calls.set(tool, (calls.get(tool) ?? 0) + 1);
    for (const [tool, n] of calls) tools.add(tool, r, n / called.length);
  }
  const prompt = totals.inputTokens + totals.cacheCreationTokens + totals.cacheReadTokens;
  const blocks = options.group === 'block' ? blocksInRange(records, options) : [];
  return {
    group: options.group,
    tz: timeZone,
    from: options.from,
    to: options.to,
    totals: {
      ...totals,
      cacheHitRatio: prompt === 0 ? null : totals.cacheReadTokens / prompt,
      unpricedModels: [...new Set(inRange.filter((r) => r.unpriced).map((r) => r.model))].sort(),
    },
    periods: options.group === 'block' ? blockPeriods(inRange, blocks) : calendarPeriods(inRange, KIND[options.group], options),
    blocks,
    breakdowns: {
      models: models.list(),
      projects: projects.list(),
      sessions: sessions.list().slice(0, options.top),
      agents: agents.list(),
      subagentTypes: subagentTypes.list(),
      tools: tools.list(),
    },
  };
}

function calendarPeriods(records: UsageRecord[], kind: PeriodKind, options: SummaryOptions): UsagePeriod[] {
  const groups = new Map<string, UsageRecord[]>();
  for (const r of records) {
    const key = periodOf(kind, Date.parse(r.timestamp), options.timeZone);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const keys = [...groups.keys()].sort();
  const first = options.from === null ? keys[0] : periodOf(kind, startOfLocalDate(options.from, options.timeZone), options.timeZone);
  const last = options.to === null ? keys.at(-1) : periodOf(kind, startOfLocalDate(options.to, options.timeZone), options.timeZone);
  const periods: UsagePeriod[] = [];
  for (let key = first; key !== undefined && last !== undefined && key <= last; key = nextPeriod(kind, key)) {
    const start = startOfLocalDate(key.length === 7 ? `${key}-01` : key, options.timeZone);
    const next = nextPeriod(kind, key);
    const end = startOfLocalDate(next.length === 7 ? `${next}-01` : next, options.timeZone);
    periods.push(period(key, start, end, groups.get(key) ?? []));
  }
  return periods;
}

function blocksInRange(records: UsageRecord[], options: SummaryOptions): UsageResponse['blocks'] {
  // Blocks are built from the whole history given (where one starts depends on those before it).
  return usageBlocks(records, { now: options.now }).filter((b) => {
    const date = localDate(Date.parse(b.startTime), options.timeZone);
    return (options.from === null || date >= options.from) && (options.to === null || date <= options.to);
  });
}

/** One period per block with requests: its requests are those from its start to its last one (one pass, both in time order). */
function blockPeriods(records: UsageRecord[], blocks: UsageResponse['blocks']): UsagePeriod[] {
  const sorted = records.map((r) => ({ r, at: Date.parse(r.timestamp) })).sort((a, b) => a.at - b.at);
  let next = 0;
  return blocks
    .filter((b) => !b.isGap)
    .map((b) => {
      const [start, end, last] = [Date.parse(b.startTime), Date.parse(b.endTime), Date.parse(b.actualEndTime ?? b.startTime)];
      while (next < sorted.length && (sorted[next] as { at: number }).at < start) next++;
      const mine: UsageRecord[] = [];
      while (next < sorted.length && (sorted[next] as { at: number }).at <= last) mine.push((sorted[next++] as { r: UsageRecord }).r);
      return period(b.startTime, start, end, mine);
    });
}

function period(key: string, start: number, end: number, records: UsageRecord[]): UsagePeriod {
  const totals = figures();
  const models = new Slices();
  const projects = new Slices();
  for (const r of records) {
    add(totals, r, 1);
    models.add(r.model, r);
    projects.add(r.projectPath ?? '(no project)', r);
  }
  return { period: key, start: new Date(start).toISOString(), end: new Date(end).toISOString(), ...totals, models: models.list(), projects: projects.list() };
}

function nextPeriod(kind: PeriodKind, key: string): string {
  if (kind === 'daily') return addDays(key, 1);
  if (kind === 'weekly') return addDays(key, 7);
  const [y, m] = key.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function figures(): UsageFigures {
  return { requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, cost: 0 };
}

/** Adds `share` of a request's tokens and cost to `into`, and the request itself. */
function add(into: UsageFigures, r: UsageEntry, share: number): void {
  into.requests += 1;
  into.inputTokens += r.inputTokens * share;
  into.outputTokens += r.outputTokens * share;
  into.cacheCreationTokens += r.cacheCreationTokens * share;
  into.cacheReadTokens += r.cacheReadTokens * share;
  into.totalTokens += (r.inputTokens + r.outputTokens + r.cacheCreationTokens + r.cacheReadTokens) * share;
  into.cost += r.cost * share;
}

class Slices {
  private readonly byKey = new Map<string, UsageSlice>();

  add(key: string, r: UsageEntry, share = 1, extra: Partial<UsageSlice> = {}): void {
    let slice = this.byKey.get(key);
    if (!slice) this.byKey.set(key, (slice = { key, ...figures(), ...extra }));
    add(slice, r, share);
  }

  /** Most costly first, then by key. */
  list(): UsageSlice[] {
    return [...this.byKey.values()].sort((a, b) => b.cost - a.cost || (a.key < b.key ? -1 : 1));
  }
}
