import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ROOT, ServeProcess, userLine } from './support';

// Plan limits in Chromium against the real server: the transcripts' current 5-hour block as an
// estimate, then the gauges once the real `claudelens statusline` hands the server Claude Code's
// rate limits (live, over /ws/metrics-updates, no reload).

const PROJECT = '-home-dev-limits';
const CWD = '/home/dev/limits';
const SESSION = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const WAIT = { timeout: 30_000 };
const BIN = path.join(ROOT, 'packages', 'server', 'bin', 'claudelens.js');

let serve: ServeProcess;
let browser: Browser;
let page: Page;

function statusline(input: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'statusline', '--server', serve.url], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
    child.stdin.end(JSON.stringify(input));
  });
}

describe('plan limits in Chromium against the real server', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort());
    const first = userLine(SESSION, CWD, 'Refactor the billing module');
    serve.append(PROJECT, SESSION, [first.text, assistantLine(SESSION, CWD, { text: 'On it.', parentUuid: first.uuid, output: 4000 }).text]);
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('shows the current 5-hour block from the transcripts, labelled an estimate', async () => {
    await page.goto(`${serve.url}/`);
    const card = page.locator('.limit-gauge.block-estimate');
    await card.waitFor(WAIT);
    expect(await card.locator('.limit-estimate-badge').textContent()).toBe('estimate');
    expect(Number(await card.getAttribute('data-cost'))).toBeGreaterThan(0);
  });

  it('shows the gauges with pace once a status line reports the limits', async () => {
    const now = Math.floor(Date.now() / 1000);
    const line = await statusline({
      session_id: SESSION,
      model: { display_name: 'Opus 4.6' },
      cost: { total_cost_usd: 0.5 },
      rate_limits: { five_hour: { used_percentage: 64, resets_at: now + 2 * 3600 }, seven_day: { used_percentage: 20, resets_at: now + 5 * 86400 } },
    });
    expect(line).toMatch(/^Opus 4\.6 · \$0\.50 session · \$\d+\.\d\d today · 5h 64%/);
    const five = page.locator('.limit-gauge.five_hour');
    await five.waitFor(WAIT);
    expect(await five.getAttribute('data-used')).toBe('64');
    expect(await five.getAttribute('data-pace')).toBe('ahead'); // 64% used, 60% of the window gone
    expect(await five.locator('.limit-pace').textContent()).toMatch(/^ahead of pace/);
    expect(await page.locator('.limit-gauge.seven_day').getAttribute('data-pace')).toBe('behind');
    expect(await page.locator('.limit-gauge.block-estimate').count()).toBe(0);
  });
});

// A daily budget in the serve config file: passing a share of it pops an alert in the dashboard,
// through the same alert engine and activity stream as every rule.
describe('a budget alert in Chromium against the real server', () => {
  let budgetServe: ServeProcess;
  let budgetBrowser: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    budgetServe = new ServeProcess(await freePort(), { budgets: { daily: 0.04, thresholds: [50, 95], checkEverySeconds: 5 } });
    await budgetServe.start();
    budgetBrowser = await launchChromium();
  });

  afterAll(async () => {
    await budgetBrowser?.close();
    await budgetServe?.dispose();
  });

  it('toasts the highest share passed of the daily budget, and lists it under the bell', async () => {
    const budgetPage = await budgetBrowser.newPage({ viewport: { width: 1440, height: 1000 } });
    await budgetPage.goto(`${budgetServe.url}/`);
    await budgetPage.locator('.app-header .connection-status .status-text', { hasText: 'Live' }).waitFor(WAIT);
    // 4000 output tokens of Sonnet: $0.06 today, past 95% of a $0.04 daily budget.
    const first = userLine(SESSION, CWD, 'Spend a little');
    budgetServe.append(PROJECT, SESSION, [first.text, assistantLine(SESSION, CWD, { text: 'Done.', parentUuid: first.uuid, output: 4000 }).text]);
    const toast = budgetPage.locator('.toast', { hasText: 'daily budget' });
    await toast.waitFor(WAIT);
    expect(await toast.textContent()).toMatch(/Spent \$0\.06 of the \$0\.04 daily budget/);
    const count = budgetPage.locator('.alert-count');
    await expect.poll(async () => Number(await count.textContent()), WAIT).toBe(1); // 95% only: the lower share counts as sent
  });
});
