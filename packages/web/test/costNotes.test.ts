import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ServeProcess, userLine } from './support';

// The session page in Chromium against the real server: a model the price table does not know is a
// visible warning with what it would cost, and web search fees are a line of their own
// (docs/pricing.md), as the lines arrive.

const PROJECT = '-home-dev-costs';
const CWD = '/home/dev/costs';
const SESSION = '0c05c0de-0000-4000-8000-00000000c057';
const WAIT = { timeout: 30_000 };

/** An assistant line of the support helper, with another model and usage fields. */
function assistant(model: string, usage: Record<string, unknown>, parentUuid: string): string {
  const line = JSON.parse(assistantLine(SESSION, CWD, { text: 'done', parentUuid }).text) as { message: { model: string; usage: Record<string, unknown> } };
  line.message.model = model;
  line.message.usage = { ...line.message.usage, ...usage };
  return JSON.stringify(line);
}

let serve: ServeProcess;
let browser: Browser;
let page: Page;

describe('cost notes on the session page, in Chromium against the real server', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort());
    const first = userLine(SESSION, CWD, 'Look up the release notes');
    serve.append(PROJECT, SESSION, [first.text, assistant('claude-opus-4-7', { server_tool_use: { web_search_requests: 3, web_fetch_requests: 0 } }, first.uuid)]);
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('lists web search fees, then warns of an unpriced model with its estimated cost', async () => {
    await page.goto(`${serve.url}/sessions/${SESSION}`);
    await page.locator('.cost-note', { hasText: "Web search: 3 searches, $0.03 on top of the token cost (not in ccusage's figures)." }).waitFor(WAIT);

    const next = userLine(SESSION, CWD, 'Now with the new model');
    serve.append(PROJECT, SESSION, [next.text, assistant('claude-opus-4-9', {}, next.uuid)]);
    // The notes are refetched every 30 s; a reload shows the new request at once.
    await page.locator('.live-message', { hasText: 'Now with the new model' }).waitFor(WAIT);
    await page.reload();
    await page
      .getByRole('alert')
      .filter({ hasText: /Not priced: claude-opus-4-9 \(1 request\) is not in the session's cost\. It would cost about \$0\.\d+ at claude-opus-4-8's price\./ })
      .waitFor(WAIT);
  });
});
