import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figures, mismatch, readShown, readTruth, type PageName, type Truth } from './figures';
import { recordedSession, replayInto } from './replay';
import { ensureWebBuilt, freePort, launchChromium, ROOT, ServeProcess } from './support';

// The definition of "right" (issue 22): with the dashboard open on every page, real recorded
// sessions are written again as if live into the folder a real `serve` watches; then every figure
// each page shows equals what the store's accounting says for the same sessions and window, and
// the per-minute series add up to the session totals. The figures and what each must equal are
// the table in figures.ts.

/** A real session with 6 subagents, 83 requests, responses split over several lines. */
const MAIN = { project: '-experiments-worktrees', sessionId: 'ef958aa1-0e93-49f0-bb71-150f63befcd1' };
/** A second, smaller one in another project, at the same time. */
const OTHER = { project: '-experiments-ideas', sessionId: '03eb5929-52b3-4b13-ada3-b93ae35806b8' };
const REPLAY_MS = 20_000;
/** Every figure follows within a second or two (a sparkline is read again at most every 2 s): 15 s leaves room for a loaded machine. */
const SETTLE_MS = 15_000;

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
  // Not UTC: "today" and "this week" are the browser's (India is UTC+5:30, no daylight saving).
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Asia/Kolkata' });
  page.on('pageerror', (error) => console.error(`${name} page error:`, error.message));
  await page.goto(`${serve.url}${route}`);
  pages.set(name, page);
}

async function storedSession(sessionId: string) {
  const response = await fetch(`${serve.url}/api/v1/sessions/${sessionId}`);
  return response.ok ? ((await response.json()) as { totalCost: number; inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; requests: number }) : null;
}

/** Every figure against the store, until all agree or SETTLE_MS has passed; the last disagreements. */
async function reconcile(): Promise<{ truth: Truth; compared: number; mismatches: string[] }> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const truth = await readTruth(serve.url, serve.dataDir);
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
    await serve.start();
    browser = await launchChromium();
    await open('live', '/');
    await open('sessions', '/sessions');
    await open('projects', '/projects');
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

    const { truth, compared, mismatches } = await reconcile();
    expect(mismatches).toEqual([]);
    // The day the Live page sums is the browser's own.
    const live = pages.get('live')!;
    const since = await live.getAttribute('[data-testid="overview-today"]', 'data-since');
    expect(since).toBe(await live.evaluate(() => new Date(new Date().setHours(0, 0, 0, 0)).toISOString()));
    expect(compared).toBeGreaterThanOrEqual(35);
    // Not a vacuous match: both sessions are live, and the window holds their spending.
    expect(truth.sessions.filter((s) => s.status !== 'ended').length).toBe(2);
    expect(truth.sessions.reduce((n, s) => n + s.totalCost, 0)).toBeGreaterThan(5);
  });
});
