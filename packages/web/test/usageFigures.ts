import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DailyReportSchema, SessionReportSchema, UsageResponseSchema, type UsageResponse } from '@claudelens/protocol';
import { ROOT } from './support';

// The Usage page's figures and what they must equal: the reports (`claudelens report daily|sessions
// --json`, ccusage's shapes, run as a user would on the server's data dir while it serves) for the
// same range and zone. GET /api/v1/usage is held to the same reports, figure by figure.

const run = promisify(execFile);
const CLI = path.join(ROOT, 'packages/server/dist/cli/main.js');
/** The page lists this many of each top list (UsagePage.tsx's TOP). */
const TOP = 8;

export type UsageRange = 'today' | '7d';

interface Slice {
  cost: number;
  tokens: number;
}

/** One range's figures as the page shows them, from the reports or from the API. */
export interface UsageView {
  cost: number;
  tokens: number;
  kinds: { input: number; output: number; 'cache-write': number; 'cache-read': number };
  requests: number;
  cacheHit: number | null;
  periods: string[];
  periodCosts: number[];
  tops: Record<'models' | 'projects' | 'sessions', Map<string, Slice>>;
}

/** A range of the Usage page: its local dates, the reports' view and the API's. */
export interface UsageTruth {
  range: UsageRange;
  from: string;
  to: string;
  reports: UsageView;
  api: UsageView;
}

async function report(dataDir: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [CLI, 'report', ...args, '--json', '--data-dir', dataDir], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

const byCost = (slices: Map<string, Slice>) => new Map([...slices].sort((a, b) => b[1].cost - a[1].cost));

function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`); day += 86_400_000) out.push(new Date(day).toISOString().slice(0, 10));
  return out;
}

/**
 * What the reports say for the local dates [from, to] in `timeZone`. `since` is the instant the
 * range starts: `report sessions` keeps the sessions last active after it, with their whole
 * totals, which are the range's because every session of the test lies within one day.
 */
export async function usageFromReports(dataDir: string, timeZone: string, from: string, to: string, since: string): Promise<UsageView> {
  const window = ['--timezone', timeZone, '--since', from, '--until', to];
  const [daily, { sessions }] = await Promise.all([
    report(dataDir, ['daily', ...window]).then((json) => DailyReportSchema.parse(json)),
    report(dataDir, ['sessions', `--since=${since}`]).then((json) => SessionReportSchema.parse(json)),
  ]);
  const projectPaths = [...new Set(sessions.map((s) => s.projectPath ?? '(no project)'))];
  // Each project through `report daily --project` (a part of the path: the test's paths share none).
  const projectTotals = await Promise.all(projectPaths.map((p) => report(dataDir, ['daily', ...window, `--project=${p}`]).then((json) => DailyReportSchema.parse(json).totals)));
  const t = daily.totals;
  const models = new Map<string, Slice>();
  for (const m of daily.daily.flatMap((d) => d.modelBreakdowns)) {
    const slice = models.get(m.modelName) ?? { cost: 0, tokens: 0 };
    models.set(m.modelName, { cost: slice.cost + m.cost, tokens: slice.tokens + m.inputTokens + m.outputTokens + m.cacheCreationTokens + m.cacheReadTokens });
  }
  const prompt = t.inputTokens + t.cacheCreationTokens + t.cacheReadTokens;
  const days = dates(from, to);
  return {
    cost: t.totalCost,
    tokens: t.totalTokens,
    kinds: { input: t.inputTokens, output: t.outputTokens, 'cache-write': t.cacheCreationTokens, 'cache-read': t.cacheReadTokens },
    requests: sessions.reduce((n, s) => n + s.requests, 0),
    cacheHit: prompt === 0 ? null : t.cacheReadTokens / prompt,
    periods: days,
    periodCosts: days.map((day) => daily.daily.find((d) => d.period === day)?.totalCost ?? 0),
    tops: {
      models: byCost(models),
      projects: byCost(new Map(projectPaths.map((p, i) => [p, { cost: projectTotals[i]!.totalCost, tokens: projectTotals[i]!.totalTokens }]))),
      sessions: byCost(new Map(sessions.map((s) => [s.sessionId, { cost: s.totalCost, tokens: s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens }]))),
    },
  };
}

export async function usageFromApi(url: string, timeZone: string, from: string, to: string): Promise<UsageView> {
  const query = new URLSearchParams({ from, to, tz: timeZone, group: 'day' });
  const usage: UsageResponse = UsageResponseSchema.parse(await (await fetch(`${url}/api/v1/usage?${query}`)).json());
  const t = usage.totals;
  const slices = (list: UsageResponse['breakdowns']['models']) => new Map(list.map((s) => [s.key, { cost: s.cost, tokens: s.totalTokens }]));
  return {
    cost: t.cost,
    tokens: t.totalTokens,
    kinds: { input: t.inputTokens, output: t.outputTokens, 'cache-write': t.cacheCreationTokens, 'cache-read': t.cacheReadTokens },
    requests: t.requests,
    cacheHit: t.cacheHitRatio,
    periods: usage.periods.map((p) => p.period),
    periodCosts: usage.periods.map((p) => p.cost),
    tops: { models: slices(usage.breakdowns.models), projects: slices(usage.breakdowns.projects), sessions: slices(usage.breakdowns.sessions) },
  };
}

export type UsageValue = number | number[] | string[];

/** Where the page shows each figure (a `data-testid` and the attribute holding the raw value) and how to read it from a view. */
export interface UsageFigure {
  name: string;
  selector: string;
  attribute: string;
  kind: 'number' | 'numbers' | 'lines';
  of: (view: UsageView) => UsageValue;
}

const attr = (name: string, value: string) => `[${name}="${value.replace(/["\\]/g, '\\$&')}"]`;

/** Every figure of the page for one range (the top lists' rows as the reports rank them). */
export function usageFigures(reports: UsageView): UsageFigure[] {
  const rows: UsageFigure[] = [
    { name: 'cost', selector: '[data-testid="usage-cost"]', attribute: 'data-value', kind: 'number', of: (v) => v.cost },
    { name: 'tokens', selector: '[data-testid="usage-tokens"]', attribute: 'data-value', kind: 'number', of: (v) => v.tokens },
    ...(['input', 'output', 'cache-write', 'cache-read'] as const).map((kind): UsageFigure => ({ name: `${kind} tokens`, selector: `[data-testid="usage-tokens-${kind}"]`, attribute: 'data-value', kind: 'number', of: (v) => v.kinds[kind] })),
    { name: 'requests', selector: '[data-testid="usage-requests"]', attribute: 'data-value', kind: 'number', of: (v) => v.requests },
    { name: 'cache hit ratio', selector: '[data-testid="usage-cache-hit"]', attribute: 'data-value', kind: 'number', of: (v) => v.cacheHit ?? 0 },
    { name: 'days', selector: '[data-testid="usage-periods"]', attribute: 'data-periods', kind: 'lines', of: (v) => v.periods },
    { name: 'cost per day', selector: '[data-testid="usage-periods"]', attribute: 'data-values', kind: 'numbers', of: (v) => v.periodCosts },
  ];
  for (const top of ['models', 'projects', 'sessions'] as const) {
    const list = `[data-testid="usage-top-${top}"]`;
    rows.push({ name: `top ${top}`, selector: list, attribute: 'data-keys', kind: 'lines', of: (v) => [...v.tops[top].keys()].slice(0, TOP) });
    for (const key of [...reports.tops[top].keys()].slice(0, TOP)) {
      for (const figure of ['cost', 'tokens'] as const) {
        rows.push({ name: `top ${top} ${key.slice(0, 24)} ${figure}`, selector: `${list} tr${attr('data-key', key)}`, attribute: `data-${figure}`, kind: 'number', of: (v) => v.tops[top].get(key)?.[figure] ?? Number.NaN });
      }
    }
  }
  return rows;
}
