import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ROOT, ServeProcess, userLine } from './support';

// The Usage page in Chromium against the real server on the fixture corpus: its totals are the
// store's (the reports' and ccusage's: $39.11, 1,199 requests), its chart is drawn, its CSV adds
// up, and it follows a session that spends while the page is open.

const WAIT = { timeout: 30_000 };
const SESSION = '9a8b7c6d-1111-4222-8333-444455556666';
const CWD = '/home/dev/usage-live';

let serve: ServeProcess;
let browser: Browser;
let page: Page;

async function waitForText(selector: string, expected: string): Promise<void> {
  await page.waitForFunction(([sel, want]) => document.querySelector(sel as string)?.textContent === want, [selector, expected] as const, WAIT);
}

describe('the Usage page', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort());
    fs.cpSync(path.join(ROOT, 'fixtures/claude-home/projects'), path.join(serve.claudeDir, 'projects'), { recursive: true });
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (error) => console.error('page error:', error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('shows all time as the store counts it, with the chart drawn', async () => {
    await page.goto(`${serve.url}/usage?range=all`);
    await waitForText('[data-testid=usage-cost]', '$39.11');
    expect(await page.textContent('[data-testid=usage-requests]')).toBe('1,199');
    expect(await page.textContent('[data-testid=usage-tokens]')).toBe('48.9M');
    await page.waitForSelector('.usage-chart canvas', WAIT);
    expect(await page.locator('.usage-legend li').count()).toBeGreaterThan(3);
    expect(await page.getAttribute('nav a[href="/usage"]', 'aria-current')).toBe('page');
    await page.waitForSelector('.usage-blocks tbody tr', WAIT);
    expect(await page.locator('.usage-blocks tbody tr').count()).toBe(8);
    // Stacked by project instead: one legend entry per project, at most seven and "other".
    await page.click('button[aria-pressed="false"]:has-text("Projects")');
    await page.waitForFunction(() => document.querySelector('.usage-legend li')?.textContent?.startsWith('claude-code-log'), undefined, WAIT);
    expect(await page.locator('.usage-legend li').last().textContent()).toMatch(/^other \$/);
    // Subagent types: the main threads and the types the fixtures' Task/Agent calls name (docs/usage.md).
    const types = ((await page.getAttribute('[data-testid=usage-top-subagent-types]', 'data-keys')) ?? '').split('\n');
    expect(types).toEqual(expect.arrayContaining(['main', 'general-purpose', 'Explore', 'unknown']));
    expect(await page.textContent('[data-testid=usage-top-subagent-types] tr[data-key=main] td')).toBe('main threads');
  });

  it('downloads the periods as CSV, adding up to the total', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download CSV")')]);
    const csv = fs.readFileSync((await download.path()) as string, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('period,start,end,model,requests,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,totalTokens,cost');
    const cost = csv.slice(1).reduce((n, row) => n + Number(row.split(',').at(-1)), 0);
    expect(Math.abs(cost - 39.1095529)).toBeLessThan(0.000001);
  });

  it('takes a custom range in the browser\'s time zone', async () => {
    const newYork = await browser.newPage({ timezoneId: 'America/New_York' });
    try {
      await newYork.goto(`${serve.url}/usage?range=custom&from=2025-11-01&to=2025-11-30`);
      const api = (await (await fetch(`${serve.url}/api/v1/usage?from=2025-11-01&to=2025-11-30&tz=America%2FNew_York`)).json()) as { totals: { cost: number; requests: number } };
      expect(api.totals.requests).toBeGreaterThan(0);
      await newYork.waitForFunction((want) => document.querySelector('[data-testid=usage-requests]')?.textContent === want, api.totals.requests.toLocaleString('en-US'), WAIT);
      expect(await newYork.textContent('[data-testid=usage-cost]')).toBe(`$${api.totals.cost.toFixed(2)}`);
      expect(await newYork.textContent('.usage-page .muted.small')).toBe('2025-11-01 to 2025-11-30, dates in America/New_York');
      expect(await newYork.inputValue('.usage-custom input >> nth=0')).toBe('2025-11-01');
    } finally {
      await newYork.close();
    }
  });

  it('fits a phone\'s width (390 px): nothing sticks out sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(`${serve.url}/usage?range=all`);
      await phone.waitForSelector('.usage-blocks tbody tr', WAIT);
      await phone.waitForSelector('.usage-chart canvas', WAIT);
      const outside = await phone.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName));
      expect(outside).toEqual([]);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    } finally {
      await phone.close();
    }
  });

  it('follows a session that spends today', async () => {
    await page.click('button:has-text("Today")');
    await waitForText('[data-testid=usage-requests]', '0');
    const first = userLine(SESSION, CWD, 'go');
    serve.append('-home-dev-usage-live', SESSION, [first.text, assistantLine(SESSION, CWD, { text: 'done', parentUuid: first.uuid, output: 1000 }).text]);
    await waitForText('[data-testid=usage-requests]', '1');
    expect(await page.textContent('[data-testid=usage-cost]')).not.toBe('$0.00');
    await page.waitForSelector('.usage-blocks tr.active', WAIT);
  });

  it('shows the plan-limit gauges, as the Live page does (here the transcripts\' 5-hour block, an estimate)', async () => {
    // The server computes the estimate in the background (at most every 5 s): once it has the request, the page shows it.
    const estimate = async () => ((await (await fetch(`${serve.url}/api/v1/usage/limits`)).json()) as { estimate: object | null }).estimate;
    await expect.poll(estimate, WAIT).not.toBeNull();
    await page.goto(`${serve.url}/usage?range=today`);
    const card = page.locator('.usage-page .limit-gauge.block-estimate');
    await card.waitFor(WAIT);
    expect(await card.locator('.limit-estimate-badge').textContent()).toBe('estimate');
    expect(Number(await card.getAttribute('data-cost'))).toBeGreaterThan(0);
  });
});
