import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ServeProcess, userLine } from './support';

// A server started with --token, opened by a browser that does not have it: a sign-in prompt
// (not an empty dashboard), a wrong token refused, the right one kept and the dashboard live.

const TOKEN = 'sign-in-test-token';
const PROJECT = '-home-dev-shop-api';
const CWD = '/home/dev/shop-api';
const S1 = '5e55a0e1-7c1b-4e0a-9d4f-2b8f6c3a9e10';
const WAIT = { timeout: 30_000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;

describe('signing in to a token-protected server', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort(), {}, ['--token', TOKEN]);
    const first = userLine(S1, CWD, 'Add a /health endpoint');
    serve.append(PROJECT, S1, [first.text, assistantLine(S1, CWD, { text: 'On it.', parentUuid: first.uuid }).text]);
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('asks for the token instead of showing an empty dashboard', async () => {
    await page.goto(`${serve.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    expect(await page.getByRole('heading', { name: 'Live activity' }).count()).toBe(0);
  });

  it('refuses a wrong token and stays on the prompt', async () => {
    await page.getByLabel('Token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The server refused that token.').waitFor(WAIT);
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
  });

  it('keeps the right token and shows the live dashboard with the data, also after a reload', async () => {
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live activity' }).waitFor(WAIT);
    await page.locator(`.session-card[data-session="${S1}"]`).waitFor(WAIT);
    await page.locator('.app-header .connection-status .status-text', { hasText: 'Live' }).waitFor(WAIT);
    expect((await page.context().cookies()).find((c) => c.name === 'claudelens_token')?.value).toBe(TOKEN);
    await page.reload();
    await page.locator(`.session-card[data-session="${S1}"]`).waitFor(WAIT);
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
  });
});
