import Database from 'better-sqlite3';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SessionPageSchema, type SessionWithStatus } from '@claudelens/protocol';
import { usageFigures, type UsageRange, type UsageTruth } from './usageFigures';

// What "right" means for every figure the dashboard shows: a table of figure → where the page
// shows it (a `data-testid` or data attribute carrying the raw number) → what the store's
// accounting says for the same sessions and window. A new figure joins by adding a row here.

export type PageName = 'live' | 'session' | 'sessions' | 'projects' | `usage-${UsageRange}`;

type Value = number | number[] | string[];

export interface Figure {
  page: PageName;
  name: string;
  /** The element showing it; `attribute` holds the raw value (`data-end` beside it, for a series). */
  selector: string;
  attribute: string;
  kind: 'number' | 'numbers' | 'lines';
  /** What the store says, for the window the page shows (`anchor`: a series' `data-end`, a day's or week's `data-since`). */
  expected: (truth: Truth, anchor: number) => Value;
}

/** The store's answer: its sessions (REST, from the store's totals) and its per-second activity (the SQLite file, read-only). */
export interface Truth {
  sessions: SessionWithStatus[];
  /** Per second of transcript time (seconds since the epoch). */
  seconds: Map<number, { messages: number; tokens: number; cost: number }>;
  /** When it was read. */
  now: number;
  /** The Usage page's ranges, as the reports and the API give them (read once the store is settled). */
  usage?: UsageTruth[];
}

export async function readTruth(url: string, dataDir: string): Promise<Truth> {
  const now = Date.now();
  const sessions = SessionPageSchema.parse(await (await fetch(`${url}/api/v1/sessions?limit=500`)).json()).sessions;
  const db = new Database(path.join(dataDir, 'claudelens.db'), { readonly: true, fileMustExist: true });
  try {
    const seconds = new Map<number, { messages: number; tokens: number; cost: number }>();
    const at = (second: string) => {
      const key = Date.parse(`${second}Z`) / 1000;
      let s = seconds.get(key);
      if (!s) seconds.set(key, (s = { messages: 0, tokens: 0, cost: 0 }));
      return s;
    };
    const messages = db.prepare(`SELECT substr(timestamp, 1, 19) AS at, count(*) AS n FROM messages WHERE line_type IN ('user', 'assistant') AND timestamp IS NOT NULL GROUP BY at`).all() as { at: string; n: number }[];
    for (const m of messages) at(m.at).messages += m.n;
    // Live windows place a request at its start, its first line's time (ARCHITECTURE.md invariant 1).
    const requests = db
      .prepare(
        `SELECT substr(COALESCE(started_at, timestamp), 1, 19) AS at, sum(cost) AS cost,
                sum(input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens) AS tokens
         FROM requests WHERE COALESCE(started_at, timestamp) IS NOT NULL GROUP BY at`,
      )
      .all() as { at: string; cost: number; tokens: number }[];
    for (const r of requests) {
      const s = at(r.at);
      s.tokens += r.tokens;
      s.cost += r.cost;
    }
    return { sessions, seconds, now };
  } finally {
    db.close();
  }
}

/** The sum of `key` over the seconds in (toSecond − span, toSecond]. */
function windowSum(truth: Truth, key: 'messages' | 'tokens' | 'cost', toSecond: number, span: number): number {
  let total = 0;
  for (const [second, amounts] of truth.seconds) if (second > toSecond - span && second <= toSecond) total += amounts[key];
  return total;
}

/** 60 per-minute sums, oldest first, the last ending at `endMs` (docs/api.md, Rates). */
function perMinute(truth: Truth, key: 'messages' | 'tokens' | 'cost', endMs: number): number[] {
  const end = Math.floor(endMs / 1000);
  return Array.from({ length: 60 }, (_, i) => windowSum(truth, key, end - (59 - i) * 60, 60));
}

const tokensOf = (s: SessionWithStatus) => s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens;
const live = (truth: Truth) => truth.sessions.filter((s) => s.status !== 'ended');
const nowSecond = (truth: Truth) => Math.floor(truth.now / 1000);
const inLastHour = (truth: Truth) => truth.sessions.filter((s) => s.lastActivity && Date.parse(s.lastActivity) > truth.now - 3600_000);
const attr = (name: string, value: string) => `[${name}="${value.replace(/["\\]/g, '\\$&')}"]`;

/** Every figure of every page, for the sessions the store holds now. */
export function figures(truth: Truth, sessionPageId: string): Figure[] {
  const rows: Figure[] = [
    // ---- Live ----
    { page: 'live', name: 'Active sessions', selector: '[data-testid="live-active-sessions"] .stat-value', attribute: 'data-value', kind: 'number', expected: (t) => live(t).length },
    { page: 'live', name: 'Active projects', selector: '[data-testid="live-active-projects"]', attribute: 'data-value', kind: 'lines', expected: (t) => [...new Set(live(t).map((s) => s.projectPath ?? ''))].filter(Boolean).sort() },
    { page: 'live', name: 'Messages / min', selector: '[data-testid="live-messages-per-minute"] .stat-value', attribute: 'data-value', kind: 'number', expected: (t) => windowSum(t, 'messages', nowSecond(t), 60) },
    { page: 'live', name: 'Cost rate ($/h)', selector: '[data-testid="live-cost-rate"] .stat-value', attribute: 'data-value', kind: 'number', expected: (t) => windowSum(t, 'cost', nowSecond(t), 60) * 60 },
    { page: 'live', name: 'Cost, last hour', selector: '[data-testid="live-cost-last-hour"] .stat-value', attribute: 'data-value', kind: 'number', expected: (t) => windowSum(t, 'cost', nowSecond(t), 3600) },
    ...(['messages', 'cost', 'tokens'] as const).map(
      (key): Figure => ({ page: 'live', name: `${key} per minute (series)`, selector: `[data-testid="series-${key}"]`, attribute: 'data-values', kind: 'numbers', expected: (t, end) => perMinute(t, key, end) }),
    ),
    // The series add up to the totals of the sessions active in the hour (all of this test's).
    { page: 'live', name: 'tokens per minute, summed', selector: '[data-testid="series-tokens"]', attribute: 'data-sum', kind: 'number', expected: (t) => inLastHour(t).reduce((n, s) => n + tokensOf(s), 0) },
    { page: 'live', name: 'cost per minute, summed', selector: '[data-testid="series-cost"]', attribute: 'data-sum', kind: 'number', expected: (t) => inLastHour(t).reduce((n, s) => n + s.totalCost, 0) },
    { page: 'live', name: 'messages per minute, summed', selector: '[data-testid="series-messages"]', attribute: 'data-sum', kind: 'number', expected: (t) => inLastHour(t).reduce((n, s) => n + s.messageCount, 0) },
    // Today and this week, from the day's or week's start the page names (the browser's zone).
    ...(['today', 'week'] as const).flatMap((w): Figure[] => [
      { page: 'live', name: `${w} cost`, selector: `[data-testid="overview-${w}"] .stat-value`, attribute: 'data-value', kind: 'number', expected: (t, since) => windowSum(t, 'cost', nowSecond(t), nowSecond(t) - since / 1000 + 1) },
      { page: 'live', name: `${w} tokens`, selector: `[data-testid="overview-${w}"] .stat-hint`, attribute: 'data-value', kind: 'number', expected: (t, since) => windowSum(t, 'tokens', nowSecond(t), nowSecond(t) - since / 1000 + 1) },
    ]),
  ];
  for (const s of live(truth)) {
    const card = `.session-card${attr('data-session', s.sessionId)}`;
    rows.push(
      { page: 'live', name: `grid ${s.sessionId.slice(0, 8)} messages`, selector: card, attribute: 'data-messages', kind: 'number', expected: () => s.messageCount },
      { page: 'live', name: `grid ${s.sessionId.slice(0, 8)} cost`, selector: card, attribute: 'data-cost', kind: 'number', expected: () => s.totalCost },
    );
  }
  // ---- Session ----
  const shown = truth.sessions.find((s) => s.sessionId === sessionPageId);
  if (shown) {
    for (const [stat, value] of [['messages', shown.messageCount], ['tools', shown.toolUseCount], ['tokens', tokensOf(shown)], ['cost', shown.totalCost]] as const) {
      rows.push({ page: 'session', name: `Session ${stat}`, selector: `[data-testid="session-${stat}"] .stat-value`, attribute: 'data-value', kind: 'number', expected: () => value });
    }
  }
  // ---- Sessions ----
  for (const s of truth.sessions) {
    const row = `[data-testid="session-row"]${attr('data-session', s.sessionId)}`;
    for (const [stat, value] of [['messages', s.messageCount], ['tools', s.toolUseCount], ['tokens', tokensOf(s)], ['cost', s.totalCost]] as const) {
      rows.push({ page: 'sessions', name: `Sessions ${s.sessionId.slice(0, 8)} ${stat}`, selector: row, attribute: `data-${stat}`, kind: 'number', expected: () => value });
    }
  }
  // ---- Projects: the totals of each project's sessions ----
  const projects = new Map<string, SessionWithStatus[]>();
  for (const s of truth.sessions) if (s.projectPath) projects.set(s.projectPath, [...(projects.get(s.projectPath) ?? []), s]);
  for (const [project, list] of projects) {
    const row = `[data-testid="project-row"]${attr('data-project', project)}`;
    const sum = (f: (s: SessionWithStatus) => number) => list.reduce((n, s) => n + f(s), 0);
    for (const [stat, value] of [['sessions', list.length], ['messages', sum((s) => s.messageCount)], ['tokens', sum(tokensOf)], ['cost', sum((s) => s.totalCost)]] as const) {
      rows.push({ page: 'projects', name: `Projects ${project} ${stat}`, selector: row, attribute: `data-${stat}`, kind: 'number', expected: () => value });
    }
  }
  // ---- Usage: each range's figures equal the reports' for the same dates in the browser's zone ----
  for (const u of truth.usage ?? []) {
    for (const f of usageFigures(u.reports)) rows.push({ page: `usage-${u.range}`, name: f.name, selector: f.selector, attribute: f.attribute, kind: f.kind, expected: () => f.of(u.reports) });
  }
  return rows;
}

interface Shown {
  raw: string | null;
  end: string | null;
}

/** Reads every figure of one page in one round trip. */
export async function readShown(page: Page, rows: Figure[]): Promise<Shown[]> {
  return page.evaluate(
    (list) =>
      list.map(({ selector, attribute }) => {
        const element = document.querySelector(selector);
        const anchored = element?.closest('[data-end], [data-since]');
        return { raw: element?.getAttribute(attribute) ?? null, end: anchored?.getAttribute('data-end') ?? anchored?.getAttribute('data-since') ?? null };
      }),
    rows.map(({ selector, attribute }) => ({ selector, attribute })),
  );
}

/** Parsed and compared: null when the page shows what the store says, else why not. */
export function mismatch(row: Figure, shown: Shown, truth: Truth): string | null {
  if (shown.raw === null) return `${row.page} / ${row.name}: not on the page (${row.selector} [${row.attribute}])`;
  const expected = row.expected(truth, Date.parse(shown.end ?? '') || truth.now);
  const value: Value = row.kind === 'number' ? Number(shown.raw) : row.kind === 'numbers' ? shown.raw.split(',').filter(Boolean).map(Number) : shown.raw.split('\n').filter(Boolean);
  return same(value, expected) ? null : `${row.page} / ${row.name}: page ${JSON.stringify(value)}, store ${JSON.stringify(expected)}`;
}

/** GET /api/v1/usage against the reports, figure by figure: null when they agree. */
export function usageApiMismatches(truth: Truth): string[] {
  return (truth.usage ?? []).flatMap((u) =>
    usageFigures(u.reports)
      .filter((f) => !same(f.of(u.api), f.of(u.reports)))
      .map((f) => `API usage ${u.range} / ${f.name}: API ${JSON.stringify(f.of(u.api))}, reports ${JSON.stringify(f.of(u.reports))}`),
  );
}

export function same(a: Value, b: Value): boolean {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' && typeof b === 'number' && close(a, b);
  return a.length === b.length && a.every((v, i) => (typeof v === 'number' ? close(v, b[i] as number) : v === b[i]));
}

/** Integers exactly; dollars to a billionth (sums of the same amounts in another order). */
function close(a: number, b: number): boolean {
  return Number.isInteger(a) && Number.isInteger(b) ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
