// UI smoothness benchmark: the real `serve` fed R transcript lines a second spread over N live
// sessions (the demo's replay generator, as bench/live.mjs uses it), and the dashboard's live page
// open in Debian's Chromium. For S seconds it records, in the page, every frame interval
// (requestAnimationFrame), long tasks and long animation frames (PerformanceObserver), the
// main thread's busy time (CDP Performance metrics) and the WebSocket frames the page received
// (CDP Network). Prints p50/p95/p99 frame time, dropped frames and the long-task count.
// Usage: npm run bench:ui -- [--sessions 500] [--rate 200] [--duration 30] [--warmup 15] [--page /]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CLI, ensureBuilt } from './build.mjs';
import { startServe, stopServe } from './latency.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'packages/server/dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const FRAME_MS = 1000 / 60;
const TICK_MS = 10;

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function options() {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '500' },
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '15' },
      page: { type: 'string', default: '/' },
      seed: { type: 'string', default: '1' },
    },
  });
  const number = (name) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${values[name]}`);
    return n;
  };
  return { sessions: Math.floor(number('sessions')), rate: number('rate'), durationS: number('duration'), warmupS: number('warmup'), page: values.page, seed: Math.floor(Number(values.seed) || 0) };
}

/** tsc -b and vite build are incremental enough: never benchmark stale code. */
function ensureAllBuilt() {
  ensureBuilt();
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: path.join(ROOT, 'packages/web'), stdio: 'inherit' });
}

async function loadGenerator() {
  const load = (file) => import(path.join(DIST, 'demo', file));
  const [{ loadSessionScripts, bundledProjectsDir }, { ReplayPool }, { TranscriptWriter }, { seededRandom }] = await Promise.all([
    load('sessionScripts.js'),
    load('replayPool.js'),
    load('transcriptWriter.js'),
    load('seededRandom.js'),
  ]);
  return { loadSessionScripts, bundledProjectsDir, ReplayPool, TranscriptWriter, seededRandom };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');

/** Runs in the page: records frame intervals and long tasks until `stop()`. */
/* global window, document, requestAnimationFrame -- the page's, not Node's */
function recorder() {
  const frames = [];
  const longTasks = [];
  const longFrames = [];
  let last = 0;
  let running = true;
  const step = (t) => {
    if (last) frames.push(t - last);
    last = t;
    if (running) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
  const observers = [];
  for (const [type, into] of [
    ['longtask', longTasks],
    ['long-animation-frame', longFrames],
  ]) {
    try {
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) into.push({ duration: entry.duration, blocking: entry.blockingDuration ?? 0 });
      });
      observer.observe({ type, buffered: false });
      observers.push(observer);
    } catch {
      // an entry type this browser does not have
    }
  }
  window.__uiBench = {
    stop() {
      running = false;
      for (const observer of observers) observer.disconnect();
      return { frames, longTasks, longFrames, activeSessions: document.querySelectorAll('.session-card').length, feedCount: document.querySelector('.feed-panel .count')?.textContent ?? '' };
    },
  };
}

async function main() {
  const opts = options();
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  ensureAllBuilt();
  const generator = await loadGenerator();
  console.log(`ClaudeLens UI benchmark — node ${process.version}, ${os.cpus().length} CPUs; Chromium ${CHROMIUM}`);
  console.log(`load: ${opts.sessions} live sessions, ${opts.rate} transcript lines/s in all, through the real ingest and live engine; page ${opts.page}; warm-up ${opts.warmupS} s, measured ${opts.durationS} s`);
  console.log('NOTE: the server, the load generator and Chromium share these cores; the figures include that contention.');

  const scripts = generator.loadSessionScripts(generator.bundledProjectsDir()).filter((s) => s.messages > 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-ui-'));
  const claudeDir = path.join(tmp, 'claude');
  fs.mkdirSync(path.join(claudeDir, 'projects'), { recursive: true });
  let server;
  let browser;
  let appending = false;
  try {
    const started = await startServe(CLI, {
      claudeDir,
      dataDir: path.join(tmp, 'data'),
      logFile: path.join(tmp, 'serve.log'),
      env: { ...process.env, CLAUDELENS_LOG_LEVEL: process.env.CLAUDELENS_LOG_LEVEL ?? 'warn' },
    });
    server = started.child;
    const url = `http://127.0.0.1:${started.port}`;

    const intervalMs = (opts.sessions * 1000) / opts.rate;
    const pool = new generator.ReplayPool(
      { scripts, sessions: opts.sessions, random: generator.seededRandom(opts.seed), pace: () => intervalMs, startDelay: (slot) => (slot * 1000) / opts.rate, keepSessions: true, tagPrefix: `u${Date.now().toString(36)}` },
      wall(),
    );
    const writer = new generator.TranscriptWriter(path.join(claudeDir, 'projects'), Math.min(16_000, opts.sessions * 3));
    const counted = { lines: 0 };
    appending = true;
    let nextTick = wall();
    const tick = () => {
      if (!appending) return;
      const lines = pool.due(wall());
      const files = new Map();
      for (const line of lines) files.set(line.relPath, (files.get(line.relPath) ?? '') + line.text);
      for (const [relPath, text] of files) writer.append(relPath, text);
      counted.lines += lines.length;
      nextTick = Math.max(nextTick + TICK_MS, wall());
      setTimeout(tick, Math.max(0, nextTick - wall()));
    };
    tick();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.stack}`));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('Network.enable');
    let wsFrames = 0;
    cdp.on('Network.webSocketFrameReceived', () => wsFrames++);
    await page.goto(`${url}${opts.page}`);
    await page.locator('.app-header .connection-status', { hasText: 'Live' }).waitFor({ timeout: 60_000 });
    await sleep(opts.warmupS * 1000);
    const active = await fetch(`${url}/api/v1/analytics/active-sessions`)
      .then((r) => r.json())
      .then((body) => body.active_sessions.length)
      .catch(() => '?');
    console.log(`warm-up done: ${active} active sessions on the server, ${counted.lines} lines appended so far`);

    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const m0 = await metrics();
    const lines0 = counted.lines;
    const frames0 = wsFrames;
    await page.evaluate(recorder);
    const t0 = wall();
    await sleep(opts.durationS * 1000);
    const result = await page.evaluate(() => window.__uiBench.stop());
    const measuredS = (wall() - t0) / 1000;
    const m1 = await metrics();
    appending = false;
    writer.close();

    const frames = result.frames.slice().sort((a, b) => a - b);
    const dropped = result.frames.filter((d) => d > FRAME_MS * 1.5).length;
    const longTasks = result.longTasks.map((t) => t.duration).sort((a, b) => a - b);
    const longFrames = result.longFrames.map((t) => t.duration).sort((a, b) => a - b);
    const busy = (name) => ((m1[name] ?? 0) - (m0[name] ?? 0)) / measuredS;

    console.log(`\nmeasured ${f1(measuredS)} s: ${(((counted.lines - lines0) / measuredS) | 0)} lines/s appended, ${(((wsFrames - frames0) / measuredS) | 0)} WebSocket frames/s received by the page`);
    console.log(`page: ${result.activeSessions} session cards in the DOM (virtualised), feed count ${result.feedCount}`);
    console.log(`frames: ${frames.length} (${f1(frames.length / measuredS)} fps); frame time p50 ${f1(percentile(frames, 50))} ms, p95 ${f1(percentile(frames, 95))} ms, p99 ${f1(percentile(frames, 99))} ms, max ${f1(frames.at(-1))} ms; frames over ${f1(FRAME_MS * 1.5)} ms: ${dropped}`);
    console.log(`long tasks (> 50 ms): ${longTasks.length}${longTasks.length ? ` (max ${f1(longTasks.at(-1))} ms)` : ''}; long animation frames: ${longFrames.length}${longFrames.length ? ` (max ${f1(longFrames.at(-1))} ms)` : ''}`);
    console.log(`main thread busy: tasks ${f1(busy('TaskDuration') * 100)}%, script ${f1(busy('ScriptDuration') * 100)}%, layout ${f1(busy('LayoutDuration') * 100)}%, style ${f1(busy('RecalcStyleDuration') * 100)}%; JS heap ${f1((m1.JSHeapUsedSize ?? 0) / 2 ** 20)} MiB`);
    const ok = percentile(frames, 95) <= FRAME_MS + 0.5 && longTasks.length === 0;
    console.log(`target: p95 frame time <= 16.7 ms and no long task over 50 ms: ${ok ? 'met' : 'NOT met'}`);
  } finally {
    appending = false;
    await browser?.close();
    if (server) await stopServe(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
