// Screenshots of every page of the dashboard with real data, for the README: `claudelens demo`
// (the bundled real transcripts replayed live) and Debian's Chromium, at desktop (1440×900) and
// phone (390×844) width. The pages are the links of the app's main navigation, so a page added
// later is photographed too. Writes docs/screenshots/<page>-desktop.png and <page>-phone.png.
// Usage: node scripts/screenshots.mjs [--seconds 60] (longer: more sparkline history)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SIZES = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  // A phone page is taller than its screen: the first 1800 px of it, not just the first screenful.
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, clipHeight: 1800 },
];

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const demo = spawn(process.execPath, [path.join(ROOT, 'packages/server/bin/claudelens.js'), 'demo', '--port', String(port), '--sessions', '10', '--speed', '10', '--seed', '7'], { stdio: ['ignore', 'inherit', 'inherit'] });
const json = (p) => fetch(`${url}${p}`).then((r) => r.json());

/** The session to show: the live one with the most subagents, then the most messages. */
async function sessionToShow() {
  const { sessions } = await json('/api/v1/sessions?limit=100');
  sessions.sort((a, b) => b.agents.length - a.agents.length || b.messageCount - a.messageCount);
  return sessions[0]?.sessionId;
}

async function settle(page, pathname) {
  await page.locator('.app-header .connection-status', { hasText: 'Live' }).waitFor({ timeout: 30_000 });
  if (pathname.startsWith('/sessions/')) await page.locator('.conversation-list[aria-busy="false"]').waitFor({ timeout: 30_000 });
  await sleep(2500); // counters ease to their values, the series is read
  // An alert toast is real, but over the page it hides what the picture is for.
  for (const dismiss of await page.locator('.toast button[aria-label="Dismiss"]').all()) await dismiss.click().catch(() => {});
  await page.locator('.toast-chip').evaluateAll((chips) => chips.forEach((c) => c.remove()));
}

try {
  for (let i = 0; i < 600; i++) {
    if ((await json('/healthz').catch(() => null))?.phase === 'live') break;
    await sleep(100);
  }
  console.log(`demo running at ${url}; letting it play for ${values.seconds} s`);
  await sleep(Number(values.seconds) * 1000);
  const session = await sessionToShow();

  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const written = [];
  for (const { name, clipHeight, ...options } of SIZES) {
    const page = await browser.newPage({ ...options, reducedMotion: 'reduce' });
    await page.goto(`${url}/`);
    await settle(page, '/');
    const links = await page.locator('nav[aria-label="Main"] a').evaluateAll((as) => as.map((a) => ({ label: a.textContent.trim(), href: a.getAttribute('href') })));
    for (const { label, href } of links) {
      const pathname = href === '/session' && session ? `/sessions/${session}` : href;
      await page.goto(`${url}${pathname}`);
      await settle(page, pathname);
      const file = path.join(OUT, `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${name}.png`);
      const height = clipHeight ? Math.min(clipHeight, await page.evaluate(() => globalThis.document.documentElement.scrollHeight)) : undefined;
      await page.screenshot({ path: file, ...(height ? { fullPage: true, clip: { x: 0, y: 0, width: options.viewport.width, height } } : {}) });
      written.push(file);
    }
    await page.close();
  }
  await browser.close();
  const bytes = written.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`wrote ${written.length} screenshots, ${(bytes / 1e6).toFixed(2)} MB:\n  ${written.map((f) => path.relative(ROOT, f)).join('\n  ')}`);
} finally {
  demo.kill('SIGTERM');
}
