import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figures, mismatch, readShown, readTruth, usageApiMismatches, type PageName, type Truth } from './figures';
import { recordedSession, replayInto, writeAsOf } from './replay';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ROOT, ServeProcess, userLine } from './support';
import { usageFromApi, usageFromReports, type UsageTruth } from './usageFigures';

// The definition of "right" (issue 22): with the dashboard open on every page, real recorded
// sessions are written again as if live into the folder a real `serve` watches; then every figure
// each page shows equals what the store's accounting says for the same sessions and window, and
// the per-minute series add up to the session totals. The figures and what each must equal are
// the table in figures.ts. The Usage page (today, and 7 days with an older session in it) equals
// the reports (`claudelens report daily|sessions --json`) and GET /api/v1/usage (usageFigures.ts).

/** A real session with 6 subagents, 83 requests, responses split over several lines. */
const MAIN = { project: '-experiments-worktrees', sessionId: 'ef958aa1-0e93-49f0-bb71-150f63befcd1' };
/** A second, smaller one in another project, at the same time. */
const OTHER = { project: '-experiments-ideas', sessionId: '03eb5929-52b3-4b13-ada3-b93ae35806b8' };
/** A session three days before, already on disk: in the Usage page's 7 days, not in its today. */
const OLDER = { project: '-path-to-Demo', sessionId: '1af7fc5e-8455-4414-9ccd-011d40f70b2a' };
/** Not UTC: "today" and "this week" are the browser's (India is UTC+5:30, no daylight saving). */
const TZ = 'Asia/Kolkata';
const TZ_OFFSET = '+05:30';
const REPLAY_MS = 20_000;
/** Every figure follows within a second or two (a sparkline is read again at most every 2 s): 15 s leaves room for a loaded machine. */
const SETTLE_MS = 15_000;
/** A new request reaches the Usage page within about a second (a throttle of 1 s, a read); 4 s on a loaded machine. */
const FOLLOW_MS = 4_000;

interface OracleSession {
  sessionId: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalCost: number;
}
const oracle = new Map(
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/oracle/sessions-expected.json'), 'utf8')) as { sessions: OracleSession[] }).sessions.map((s) => [s.sessionId, s]),
);

let serve: ServeProcess;
let browser: Browser;
const pages = new Map<PageName, Page>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(name: PageName, route: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, timezoneId: TZ });
  page.on('pageerror', (error) => console.error(`${name} page error:`, error.message));
  await page.goto(`${serve.url}${route}`);
  pages.set(name, page);
}

async function storedSession(sessionId: string) {
  const response = await fetch(`${serve.url}/api/v1/sessions/${sessionId}`);
  return response.ok ? ((await response.json()) as { totalCost: number; inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; requests: number }) : null;
}

/** The local date in TZ, `days` before now. */
function localDate(daysBefore = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
  return new Date(Date.parse(`${today}T00:00:00Z`) - daysBefore * 86_400_000).toISOString().slice(0, 10);
}

/** The Usage page's two ranges as the reports and the API give them (the store is settled). */
async function readUsage(): Promise<UsageTruth[]> {
  return Promise.all(
    ([['today', 0], ['7d', 6]] as const).map(async ([range, back]) => {
      const [from, to] = [localDate(back), localDate()];
      const since = new Date(`${from}T00:00:00${TZ_OFFSET}`).toISOString();
      const [reports, api] = await Promise.all([usageFromReports(serve.dataDir, TZ, from, to, since), usageFromApi(serve.url, TZ, from, to)]);
      return { range, from, to, reports, api };
    }),
  );
}

/** The Live page's "Today" card: cost and tokens. */
function liveToday(): Promise<number[]> {
  return pages.get('live')!.evaluate(() => ['.stat-value', '.stat-hint'].map((part) => Number(document.querySelector(`[data-testid="overview-today"] ${part}`)?.getAttribute('data-value'))));
}

/** The Usage page's total cost (raw). */
function usageCost(name: 'usage-today' | 'usage-7d'): Promise<number> {
  return pages.get(name)!.evaluate(() => Number(document.querySelector('[data-testid="usage-cost"]')?.getAttribute('data-value')));
}

/** Every figure against the store, until all agree or SETTLE_MS has passed; the last disagreements. */
async function reconcile(usage: UsageTruth[]): Promise<{ truth: Truth; compared: number; mismatches: string[] }> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const truth = { ...(await readTruth(serve.url, serve.dataDir)), usage };
    const rows = figures(truth, MAIN.sessionId);
    const mismatches: string[] = [];
    for (const [name, page] of pages) {
      const own = rows.filter((r) => r.page === name);
      const shown = await readShown(page, own);
      own.forEach((row, i) => {
        const why = mismatch(row, shown[i]!, truth);
        if (why) mismatches.push(why);
      });
    }
    if (mismatches.length === 0 || Date.now() > deadline) return { truth, compared: rows.length, mismatches };
    await sleep(500);
  }
}

describe('every figure on every page equals the store (a real session replayed live)', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort());
    writeAsOf(serve.claudeDir, recordedSession(OLDER.project, OLDER.sessionId), Date.now() - 3 * 86_400_000);
    await serve.start();
    browser = await launchChromium();
    await open('live', '/');
    await open('sessions', '/sessions');
    await open('projects', '/projects');
    await open('usage-today', '/usage?range=today');
    await open('usage-7d', '/usage?range=7d');
    // A new page with figures opens here too, and its rows go in figures.ts.
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('agrees on messages, tools, tokens, cost, per-minute series, last-hour cost and active projects', async () => {
    const main = recordedSession(MAIN.project, MAIN.sessionId);
    const other = recordedSession(OTHER.project, OTHER.sessionId);
    expect(new Set(main.map((l) => l.relPath)).size).toBe(7); // the main transcript and 6 subagents
    const replaying = Promise.all([replayInto(serve.claudeDir, main, REPLAY_MS), replayInto(serve.claudeDir, other, REPLAY_MS / 2)]);
    // The session page opens once the server knows the session, and watches the rest arrive.
    for (let tries = 0; !(await storedSession(MAIN.sessionId)) && tries < 200; tries++) await sleep(100);
    await open('session', `/sessions/${MAIN.sessionId}`);
    await replaying;

    // The store's accounting first: it equals the oracle's (which equals ccusage).
    for (const id of [MAIN.sessionId, OTHER.sessionId]) {
      const want = oracle.get(id)!;
      let stored = await storedSession(id);
      for (let tries = 0; stored?.requests !== want.requests && tries < 100; tries++) {
        await sleep(200);
        stored = await storedSession(id);
      }
      expect(stored).toMatchObject({ requests: want.requests, inputTokens: want.inputTokens, outputTokens: want.outputTokens, cacheCreationTokens: want.cacheCreationTokens, cacheReadTokens: want.cacheReadTokens });
      expect(stored!.totalCost).toBeCloseTo(want.totalCost, 9);
    }

    const usage = await readUsage();
    const { truth, compared, mismatches } = await reconcile(usage);
    expect(mismatches).toEqual([]);
    // The API says what the reports say, and the page what both say.
    expect(usageApiMismatches(truth)).toEqual([]);
    const [today, week] = usage as [UsageTruth, UsageTruth];
    expect([today.reports.periods.length, week.reports.periods.length]).toEqual([1, 7]);
    expect(week.reports.tops.sessions.has(OLDER.sessionId) && !today.reports.tops.sessions.has(OLDER.sessionId)).toBe(true);
    // One "today": the Live page's card is the Usage page's total (a request is dated by its
    // winning line there and by its first here: they differ only for one that straddles midnight).
    const [liveCost, liveTokens] = await liveToday();
    expect(liveTokens).toBe(today.reports.tokens);
    expect(liveCost).toBeCloseTo(today.reports.cost, 9);
    // The day the Live page sums is the browser's own.
    const live = pages.get('live')!;
    const since = await live.getAttribute('[data-testid="overview-today"]', 'data-since');
    expect(since).toBe(await live.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).toISOString()));
    // 35 and more on the other pages; 56 on the Usage page (25 today, 31 over 7 days: 10 totals and
    // series each, and every model, project and session of the top lists with its cost and tokens).
    expect(compared).toBeGreaterThanOrEqual(35 + 56);
    // Not a vacuous match: both sessions are live, and the window holds their spending.
    expect(truth.sessions.filter((s) => s.status !== 'ended').length).toBe(2);
    expect(truth.sessions.reduce((n, s) => n + s.totalCost, 0)).toBeGreaterThan(5);
  });

  it('the Usage page shows a new request within about a second: it follows the stream', async () => {
    const [session, cwd, project] = ['7e57f011-0000-4000-8000-000000000001', '/home/dev/usage-follow', '-home-dev-usage-follow'];
    let parent: string | null = null;
    const spend = () => {
      const prompt = userLine(session, cwd, 'go', parent);
      const reply = assistantLine(session, cwd, { text: 'done', parentUuid: prompt.uuid, output: 2000 });
      parent = reply.uuid;
      serve.append(project, session, [prompt.text, reply.text]);
    };
    const api = async (back: number) => (await usageFromApi(serve.url, TZ, localDate(back), localDate())).cost;
    const agree = (page: number, store: number) => Math.abs(page - store) <= 1e-9 * Math.max(1, store);
    // A first request, shown whenever the page reads again; so the next is written just after a read.
    const before = await api(0);
    spend();
    await expect.poll(() => usageCost('usage-today'), { timeout: SETTLE_MS, interval: 50 }).toBeGreaterThan(before);
    const first = await usageCost('usage-today');
    const written = Date.now();
    spend();
    // A page that only asked again every 10 s would show it about 10 s later.
    await expect
      .poll(async () => {
        const [page, store] = await Promise.all([usageCost('usage-today'), api(0)]);
        return store > first && agree(page, store);
      }, { timeout: FOLLOW_MS, interval: 50 })
      .toBe(true);
    const lag = Date.now() - written;
    console.log(`the Usage page showed a new request ${lag} ms after it was written`);
    const week = await api(6);
    await expect.poll(async () => agree(await usageCost('usage-7d'), week), { timeout: FOLLOW_MS, interval: 50 }).toBe(true);
    // And the Live page's today is still the Usage page's.
    const today = await usageCost('usage-today');
    await expect.poll(async () => agree((await liveToday())[0]!, today), { timeout: FOLLOW_MS, interval: 50 }).toBe(true);
  });
});
