// Screenshots of the dashboard with real data for the docs: `claudelens demo` (real transcripts
// replayed live) and Debian's Chromium. Writes docs/screenshot-live.png and
// docs/screenshot-session.png (and the light theme of the live page).
// Usage: node scripts/screenshots.mjs [--minutes 3] (longer: more sparkline history)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, port: { type: 'string', default: '4399' } } });
const url = `http://127.0.0.1:${values.port}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const demo = spawn(process.execPath, [path.join(ROOT, 'packages/server/dist/cli/main.js'), 'demo', '--port', values.port, '--sessions', '12', '--speed', '10', '--seed', '7'], { stdio: 'inherit' });
try {
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/healthz`).then((r) => r.json()).catch(() => null))?.phase === 'live') break;
    await sleep(100);
  }
  console.log(`demo running; letting it play for ${values.minutes} min`);
  await sleep(Number(values.minutes) * 60_000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, reducedMotion: 'reduce' });
  await page.goto(`${url}/`);
  await page.locator('.app-header .connection-status', { hasText: 'Live' }).waitFor();
  await sleep(4000);
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshot-live.png') });
  await page.getByRole('button', { name: /light theme/ }).click();
  await sleep(500);
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshot-live-light.png') });
  await page.getByRole('button', { name: /dark theme/ }).click();
  // The busiest active session whose conversation opens on its main thread (not a subagent run).
  const active = (await fetch(`${url}/api/v1/analytics/active-sessions`).then((r) => r.json())).active_sessions.sort((a, b) => b.message_count - a.message_count);
  let busiest = active[0]?.session_id;
  for (const s of active) {
    const page = await fetch(`${url}/api/v1/sessions/${s.session_id}/messages?limit=20`).then((r) => r.json());
    if (page.messages.some((m) => m.agent_id === '')) {
      busiest = s.session_id;
      break;
    }
  }
  await page.goto(`${url}/sessions/${busiest}`);
  await page.locator('.conversation-list').waitFor();
  await sleep(4000);
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshot-session.png') });
  await browser.close();
  console.log('wrote docs/screenshot-live.png, docs/screenshot-live-light.png, docs/screenshot-session.png');
} finally {
  demo.kill('SIGTERM');
}
