import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ServeProcess, userLine } from './support';

// The dashboard in Chromium against the real server: transcript lines appended to files show up
// in the cards, grid, feed and sparklines; a killed server shows Offline with the values kept; a
// restarted one is Live again with nothing missing from the feed; an alert pops up as a toast.

const PROJECT = '-home-dev-shop-api';
const CWD = '/home/dev/shop-api';
const S1 = '5e55a0e1-7c1b-4e0a-9d4f-2b8f6c3a9e10';
const S2 = '7a0c9b12-3d4e-4f50-8a6b-1c2d3e4f5a6b';
const WAIT = { timeout: 30_000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;
/** Every summary appended during the run: the feed must end up holding all of them. */
const appended: string[] = [];

function say(sessionId: string, text: string): void {
  serve.append(PROJECT, sessionId, [userLine(sessionId, CWD, text).text]);
  appended.push(text);
}

const text = (selector: string) => page.locator(selector).first().textContent();

async function waitForText(selector: string, expected: string | RegExp): Promise<void> {
  await page.waitForFunction(
    ([sel, source, flags]) => {
      const content = document.querySelector(sel as string)?.textContent ?? '';
      return flags === null ? content === source : new RegExp(source as string, flags as string).test(content);
    },
    [selector, typeof expected === 'string' ? expected : expected.source, typeof expected === 'string' ? null : expected.flags] as const,
    WAIT,
  );
}

const feedRow = (summary: string) => page.locator('.feed-row', { hasText: summary });

describe('the dashboard in Chromium against the real server', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort(), { alerts: { sessionCost: { threshold: 0.05, cooldownSeconds: 1 } } });
    const first = userLine(S1, CWD, 'Add a /health endpoint');
    serve.append(PROJECT, S1, [first.text, assistantLine(S1, CWD, { text: "I'll add a health route.", parentUuid: first.uuid }).text]);
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('serves the app at / and goes Live', async () => {
    await page.goto(`${serve.url}/`);
    await waitForText('.app-header .connection-status .status-text', 'Live');
    await page.locator(`.session-card[data-session="${S1}"]`).waitFor(WAIT);
    expect(await text(`.session-card[data-session="${S1}"] .session-messages`)).toBe('2');
  });

  it('shows appended lines in the feed, the session grid, the metrics and the sparklines', async () => {
    say(S1, 'Also cover it with a test');
    serve.append(PROJECT, S1, [assistantLine(S1, CWD, { tool: 'Edit' }).text]);
    await feedRow('Also cover it with a test').waitFor(WAIT);
    await feedRow('→ Edit').waitFor(WAIT);
    expect(await feedRow('→ Edit').getAttribute('class')).toContain('type-tool_use');
    await waitForText(`.session-card[data-session="${S1}"] .session-messages`, '4');
    await page.waitForFunction(() => Number(document.querySelector('.messages-rate .stat-value')?.getAttribute('data-value')) >= 2, null, WAIT);
    // The series is read again at most every 2 s while events flow.
    await page.waitForFunction(() => Number(document.querySelector('.spark-card.messages .sparkline')?.getAttribute('data-max')) >= 2, null, WAIT);
    await page.waitForFunction(() => Number(document.querySelector('.spark-card.tokens .sparkline')?.getAttribute('data-max')) > 0, null, WAIT);

    say(S2, 'A second session starts');
    await page.locator(`.session-card[data-session="${S2}"]`).waitFor(WAIT);
    await feedRow('A second session starts').waitFor(WAIT);
  });

  it('pops up a toast when an alert fires', async () => {
    // 4000 output tokens of Sonnet: $0.06, over the session cost threshold of $0.05.
    serve.append(PROJECT, S1, [assistantLine(S1, CWD, { text: 'A long answer', output: 4000 }).text]);
    const toast = page.locator('.toast', { hasText: 'session_cost'.replace('_', ' ') });
    await toast.waitFor(WAIT);
    expect(await toast.textContent()).toMatch(/has cost \$0\.06, above the \$0\.05 threshold/);
    await waitForText('.alert-count', /^[1-9]/);
    await toast.getByRole('button', { name: 'Acknowledge' }).click();
    await toast.waitFor({ state: 'detached', ...WAIT });
    await waitForText('.alert-count', '0');
  });

  it('shows Offline with the last values when the server dies, and Live again with no feed item missing after a restart', async () => {
    const before = await text(`.session-card[data-session="${S1}"] .session-messages`);
    await serve.kill();
    await waitForText('.app-header .connection-status .status-text', /^(Offline — as of \d\d:\d\d|Connecting)$/);
    await waitForText('.app-header .connection-status .status-text', /^Offline — as of \d\d:\d\d$/);
    expect(await text(`.session-card[data-session="${S1}"] .session-messages`)).toBe(before);
    await feedRow('Also cover it with a test').waitFor(WAIT);

    say(S1, 'Written while the server was down');
    await serve.start();
    await waitForText('.app-header .connection-status .status-text', 'Live');
    await feedRow('Written while the server was down').waitFor(WAIT);
    say(S1, 'Written after the restart');
    await feedRow('Written after the restart').waitFor(WAIT);
    for (const summary of appended) expect(await feedRow(summary).count(), summary).toBe(1);
  });

  it('the session page: stat cards, live feed and conversation follow appended lines', async () => {
    await page.locator(`.session-card[data-session="${S1}"]`).click();
    await page.waitForURL(`**/sessions/${S1}`);
    await page.getByRole('heading', { name: 'Session analytics' }).waitFor(WAIT);
    await waitForText('.stat-cards .connection-status .status-text', 'Live');
    await page.locator('.conversation .message', { hasText: 'Add a /health endpoint' }).waitFor(WAIT);
    const messages = Number(await page.locator('.stat-card.messages .stat-value').getAttribute('data-value'));
    expect(messages).toBeGreaterThanOrEqual(7);

    say(S1, 'One more thing: log the check');
    await page.locator('.live-message', { hasText: 'One more thing: log the check' }).waitFor(WAIT);
    // The conversation follows too, without Refresh.
    await page.locator('.conversation .message', { hasText: 'One more thing: log the check' }).waitFor(WAIT);
    await waitForText('.stat-card.messages .stat-value', String(messages + 1));
    const tools = page.locator('.stat-card.tools .stat-value');
    expect(await tools.textContent()).toBe('1');

    // A route change back to the live page: the session's sockets close.
    await page.getByRole('link', { name: 'Live', exact: true }).click();
    await page.getByRole('heading', { name: 'Live activity' }).waitFor(WAIT);
    await feedRow('One more thing: log the check').waitFor(WAIT);
  });
});
