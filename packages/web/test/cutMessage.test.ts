import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, freePort, launchChromium, ServeProcess, userLine } from './support';

// A message too large for a conversation page arrives cut (issue 21 item 7): the conversation
// view says so, with its size, and links to the whole line.

const PROJECT = '-home-dev-big';
const CWD = '/home/dev/big';
const SESSION = '9b1c2d3e-4f50-4a6b-8c7d-0e1f2a3b4c5d';
const WAIT = { timeout: 30_000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;

describe('a cut message in the conversation view', () => {
  const big = userLine(SESSION, CWD, `BIG ${'x'.repeat(3 * 1024 * 1024)}`);

  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort());
    serve.append(PROJECT, SESSION, [userLine(SESSION, CWD, 'Show me the log').text, big.text]);
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('shows its size and opens the whole line', async () => {
    await page.goto(`${serve.url}/sessions/${SESSION}`);
    const notice = page.locator(`.conversation [data-uuid="${big.uuid}"] .cut-notice`);
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toBe('cut — 3.0 MB, open in full');
    const href = await notice.getByRole('link', { name: 'open in full' }).getAttribute('href');
    const bytes = await page.evaluate(async (url) => (await (await fetch(url as string)).arrayBuffer()).byteLength, href);
    expect(bytes).toBe(Buffer.byteLength(`${big.text}\n`));
  });
});
