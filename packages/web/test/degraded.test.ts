import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ServeProcess, userLine } from './support';

// The dashboard where it cannot have everything: a server that wants a token, and a network
// that lets HTTP through but not WebSockets.

const PROJECT = '-home-dev-api';
const CWD = '/home/dev/api';
const S1 = '1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d';
const WAIT = { timeout: 30_000 };
const TOKEN = 'e2e-token-1234';

describe('the dashboard with a token, and without WebSockets', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort(), {}, ['--token', TOKEN]);
    serve.append(PROJECT, S1, [userLine(S1, CWD, 'Start').text, assistantLine(S1, CWD, { text: 'Started' }).text]);
    await serve.start();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('takes ?token= once, keeps it in the cookie, and goes Live', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    expect((await fetch(`${serve.url}/api/v1/projects`)).status).toBe(401);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    await page.goto(`${serve.url}/?token=${TOKEN}`);
    await page.locator('.app-header .connection-status', { hasText: 'Live' }).waitFor(WAIT);
    expect(new URL(page.url()).search).toBe('');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'claudelens_token')?.value).toBe(TOKEN);
    await page.locator(`.session-card[data-session="${S1}"]`).waitFor(WAIT);
    // A reload without ?token= still works: the cookie carries it.
    await page.goto(`${serve.url}/projects`);
    await page.locator('.data-table tbody tr', { hasText: 'api' }).waitFor(WAIT);
    expect(sockets).toContain('/ws/activity-stream');
    await context.close();
  });

  it('falls back to REST polling when WebSockets cannot connect, says so, and still shows new lines', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.routeWebSocket(/\/ws\//, (ws) => ws.close({ code: 1006, reason: 'blocked' }).catch(() => ws.close()));
    await page.goto(`${serve.url}/?token=${TOKEN}`);
    await page.locator('.app-header .connection-status', { hasText: 'Polling' }).waitFor(WAIT);
    expect(await page.locator('.app-header .connection-status').getAttribute('title')).toMatch(/WebSocket unavailable/);
    serve.append(PROJECT, S1, [userLine(S1, CWD, 'Seen by polling').text]);
    await page.locator('.feed-row', { hasText: 'Seen by polling' }).waitFor(WAIT);
    await context.close();
  });
});
