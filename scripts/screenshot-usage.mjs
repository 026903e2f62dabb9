// A screenshot of the Usage page with real data for docs/usage.md: `claudelens serve` on a copy of
// the bundled transcripts (all time: their dates are in the past) and Debian's Chromium.
// Writes docs/screenshot-usage.png. Usage: node scripts/screenshot-usage.mjs [--port 4400]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string', default: '4400' } } });
const url = `http://127.0.0.1:${values.port}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-screenshot-'));
fs.cpSync(path.join(ROOT, 'fixtures/claude-home/projects'), path.join(tmp, 'claude/projects'), { recursive: true });

const serve = spawn(process.execPath, [path.join(ROOT, 'packages/server/dist/cli/main.js'), 'serve', '--port', values.port, '--claude-dir', path.join(tmp, 'claude'), '--data-dir', path.join(tmp, 'data')], { stdio: 'ignore' });
try {
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/healthz`).then((r) => r.json()).catch(() => null))?.phase === 'live') break;
    await sleep(100);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, reducedMotion: 'reduce' });
  await page.goto(`${url}/usage?range=all`);
  await page.locator('.usage-chart canvas').waitFor();
  await sleep(500);
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshot-usage.png'), fullPage: true });
  await browser.close();
  console.log('wrote docs/screenshot-usage.png');
} finally {
  serve.kill('SIGTERM');
  await sleep(300);
  fs.rmSync(tmp, { recursive: true, force: true });
}
