// Start-up figures of `serve`: a warm restart (the store already holds every file) and a cold
// start's "time to a correct today" (the newest files are read first).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { newestLineMs, renameIds } from './corpus.mjs';
import { freePort, SERVE_NODE_FLAGS, stopServe } from './latency.mjs';

const POLL_MS = 20;
/** A warm restart is polled more often: at 20 ms a figure near 0.5 s was up to 4% late. */
const WARM_POLL_MS = 5;
const TIMEOUT_MS = 300_000;
const TIMESTAMP = /"timestamp":"(\d{4}-\d\d-\d\dT[\d:.]+Z)"/g;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Sets every transcript's mtime to its newest line's timestamp, as if Claude Code had written it
 * then: a corpus copied or built today would otherwise look all new.
 */
export function ageCorpus(home) {
  for (const file of walk(path.join(home, 'projects')).filter((f) => f.endsWith('.jsonl'))) {
    const newest = newestLineMs(fs.readFileSync(file, 'utf8'));
    if (newest > 0) fs.utimesSync(file, newest / 1000, newest / 1000);
  }
}

/**
 * One more renamed copy of the fixtures whose timestamps are shifted so that its newest line was
 * written a minute ago: the part of the history that is "today" and "this week".
 */
export function buildRecentCopy(fixtures, home, copy) {
  const root = path.join(fixtures, 'projects');
  const files = walk(root).filter((f) => f.endsWith('.jsonl'));
  let newest = 0;
  for (const file of files) for (const m of fs.readFileSync(file, 'utf8').matchAll(TIMESTAMP)) newest = Math.max(newest, Date.parse(m[1]));
  const shift = Date.now() - 60_000 - newest;
  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep);
    rel[0] = `${rel[0]}-recent`;
    const target = path.join(home, 'projects', ...rel.map((part) => renameIds(part, copy)));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const text = renameIds(fs.readFileSync(file, 'utf8'), copy).replace(TIMESTAMP, (_, at) => `"timestamp":"${new Date(Date.parse(at) + shift).toISOString()}"`);
    fs.writeFileSync(target, text);
  }
}

/** Starts `serve` and polls /healthz (and `probe`, while backfilling) every `pollMs` until live. */
async function serveUntilLive(cli, { claudeDirs, dataDir, logFile, probe, pollMs = POLL_MS }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'w');
  const started = performance.now();
  const dirs = claudeDirs.flatMap((dir) => ['--claude-dir', dir]);
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, cli, 'serve', ...dirs, '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  let listenAt = null;
  const samples = [];
  while (performance.now() - started < TIMEOUT_MS) {
    if (exited) throw new Error(`serve exited early (${JSON.stringify(exited)}); log: ${logFile}`);
    let health = null;
    try {
      health = await (await fetch(`${base}/healthz`)).json();
    } catch {
      // not listening yet
    }
    if (health) {
      listenAt ??= performance.now();
      if (health.phase === 'live') return { child, base, started, listenAt, liveAt: performance.now(), samples };
      if (probe) samples.push({ at: performance.now(), value: await probe(base) });
    }
    await sleep(pollMs);
  }
  await stopServe(child);
  throw new Error(`serve did not go live within ${TIMEOUT_MS / 1000} s; log: ${logFile}`);
}

/** Restarts `serve` on a store that holds every file already: time to phase live. */
export async function benchWarmRestart(cli, { claudeDir, dataDir, logFile, files, runs }) {
  const toLive = [];
  const fromListen = [];
  for (let i = 0; i < runs; i++) {
    const { child, started, listenAt, liveAt } = await serveUntilLive(cli, { claudeDirs: [claudeDir], dataDir, logFile, pollMs: WARM_POLL_MS });
    await stopServe(child);
    toLive.push((liveAt - started) / 1000);
    fromListen.push((liveAt - listenAt) / 1000);
  }
  const f = (values) => values.map((v) => v.toFixed(2)).join(' / ');
  console.log(`\nwarm restart: ${files} files, ${f(toLive)} s to live from process start (${f(fromListen)} s from listen; ${runs} run(s), /healthz polled every ${WARM_POLL_MS} ms)`);
}

/**
 * A cold start on the aged corpus plus a recent copy: from the first answer on /healthz (listen)
 * until today's and this week's usage (GET /api/v1/usage, UTC) equal what they are once live.
 */
export async function benchNewestFirst(cli, { claudeDirs, dataDir, logFile }) {
  const day = (offset) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  const ranges = { today: day(0), 'this week': day(6) };
  const usage = async (base) => {
    const values = {};
    for (const [name, from] of Object.entries(ranges)) {
      const body = await (await fetch(`${base}/api/v1/usage?group=day&from=${from}`)).json();
      values[name] = JSON.stringify(body.totals);
    }
    return values;
  };
  fs.rmSync(dataDir, { recursive: true, force: true });
  const { child, base, started, listenAt, liveAt, samples } = await serveUntilLive(cli, { claudeDirs, dataDir, logFile, probe: usage });
  try {
    const final = await usage(base);
    const parts = Object.keys(ranges).map((name) => {
      // Correct from the sample after the last one that differed from the final figures.
      const lastWrong = samples.findLastIndex((s) => s.value[name] !== final[name]);
      const at = lastWrong + 1 < samples.length ? samples[lastWrong + 1].at : liveAt;
      return `${name} ${((at - listenAt) / 1000).toFixed(2)} s (${((at - started) / 1000).toFixed(2)} s from process start)`;
    });
    const todayCost = JSON.parse(final.today).cost;
    console.log(`\nnewest first (cold start, from listen): time to a correct ${parts.join(', ')}; whole history ${((liveAt - listenAt) / 1000).toFixed(2)} s (today: $${todayCost?.toFixed(2)}; ${samples.length} samples every ${POLL_MS} ms)`);
  } finally {
    await stopServe(child);
  }
}
