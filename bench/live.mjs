// Live load benchmark: the real `serve` as a child process, N sessions whose transcripts grow at
// an aggregate R lines/s, and WebSocket subscribers on all four channels with forced reconnects.
// The lines come from the demo's replay generator (packages/server/src/demo): real transcript
// lines from fixtures/claude-home with fresh ids and current timestamps. Prints, per channel,
// append -> receive latency, what was expected against what arrived (missing, duplicates, seq
// gaps, resyncs), and the server's RSS and CPU from /proc. Exits 1 when anything was lost.
// The load generator, the clients and the server share one machine: the output says how busy it was.
//
// Usage: npm run bench:live -- [options]      (builds packages/protocol and packages/server first)
//   --sessions N            concurrent sessions, each one transcript file plus its subagents' (1000)
//   --rate R                transcript lines appended per second, all sessions together (2000)
//   --duration S            seconds of load; 300 for a soak (30)
//   --via files|ingest      append to files under a temp claude dir, or POST /api/v1/ingest (files)
//   --config FILE           passed to serve --config
//   --subscribers N         40% on /ws/session, 40% /ws/stats (the same sessions), 10% activity, 10% metrics (100)
//   --reconnect-every S, --reconnect-count N, --reconnect-delay-ms MS
//                           every S s, N clients are dropped and resume with ?since= after up to MS ms (3, 4, 250)
//   --setup-rate R          lines/s while the sessions are started, before the measurement (1000)
//   --drain S               after the load, wait for deliveries until none for S s (at most 300 s) (15)
//   --sample-every S        server RSS and CPU sample interval (5);  --seed N  which scripts each session replays (1)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { startServe, stopServe } from './latency.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'packages/server/dist/cli/main.js');
const DIST = path.join(ROOT, 'packages/server/dist');
const TICK_MS = 10;
/** After the load stops, the clients wait while deliveries progress (--drain s without any ends it), at most this long. */
const MAX_DRAIN_MS = 300_000;
const CLAUDE_DIR_ID = 'bench-live';
/** POST /api/v1/ingest takes at most this many files per request, and by default 8 MiB. */
const INGEST_MAX_FILES = 1000;
const INGEST_MAX_BYTES = 4 * 1024 * 1024;

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class BenchError extends Error {}

function options() {
  const defaults = {
    sessions: '1000',
    rate: '2000',
    'setup-rate': '1000',
    duration: '30',
    subscribers: '100',
    via: 'files',
    config: '',
    seed: '1',
    'reconnect-every': '3',
    'reconnect-count': '4',
    'reconnect-delay-ms': '250',
    'sample-every': '5',
    drain: '15',
  };
  const { values } = parseArgs({ options: Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { type: 'string', default: v }])) });
  const number = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new BenchError(`--${name} must be a number >= ${min}, got ${values[name]}`);
    return n;
  };
  if (values.via !== 'files' && values.via !== 'ingest') throw new BenchError(`--via must be files or ingest, got ${values.via}`);
  if (values.config && !fs.existsSync(values.config)) throw new BenchError(`--config ${values.config} not found`);
  return {
    sessions: Math.floor(number('sessions', 1)),
    rate: number('rate', 1),
    setupRate: number('setup-rate', 1),
    durationS: number('duration', 1),
    subscribers: Math.floor(number('subscribers', 4)),
    via: values.via,
    config: values.config ? path.resolve(values.config) : null,
    seed: Math.floor(number('seed', 0)),
    reconnect: { everyMs: number('reconnect-every', 0) * 1000, count: Math.floor(number('reconnect-count', 0)), maxDelayMs: number('reconnect-delay-ms', 0) },
    sampleMs: number('sample-every', 1) * 1000,
    drainMs: number('drain', 1) * 1000,
  };
}

/** tsc -b is incremental: a no-op when dist is current, and it never benchmarks stale code. */
function ensureBuilt() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/protocol', 'packages/server'], { cwd: ROOT, stdio: 'inherit' });
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** RSS, peak RSS (MiB) and CPU seconds (user + system) of a process, from /proc. */
function readProc(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // #14 utime, #15 stime
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  const writeMB = Number(/^write_bytes:\s+(\d+)/m.exec(io)?.[1] ?? 0) / 1e6;
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, cpuS, writeMB };
}

/** CPU seconds the whole machine spent busy and in all, from /proc/stat: how much the other processes took. */
function machineCpu() {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + ticks[4]; // idle, iowait
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busyS: (total - idle) / CLK_TCK, totalS: total / CLK_TCK };
}

/** The replay generator from the server's build, so the bench and `claudelens demo` write the same lines. */
async function loadGenerator() {
  const load = (file) => import(path.join(DIST, 'demo', file));
  const [{ loadSessionScripts, bundledProjectsDir, isMessage }, { ReplayPool }, { TranscriptWriter }, { seededRandom }] = await Promise.all([
    load('sessionScripts.js'),
    load('replayPool.js'),
    load('transcriptWriter.js'),
    load('seededRandom.js'),
  ]);
  return { loadSessionScripts, bundledProjectsDir, isMessage, ReplayPool, TranscriptWriter, seededRandom };
}

function ingestAvailable() {
  return fs.existsSync(path.join(ROOT, 'packages/server/src/api/ingestRoute.ts')) && fs.existsSync(path.join(ROOT, 'packages/protocol/src/ingest.ts'));
}

/** Lines grouped by file, in order. */
function byFile(lines) {
  const files = new Map();
  for (const line of lines) {
    const list = files.get(line.relPath);
    if (list) list.push(line);
    else files.set(line.relPath, [line]);
  }
  return files;
}

/** Appends to transcript files; calls `onWritten(lines, t)` with the time each write returned. */
function fileSink(generator, projectsDir, maxOpen) {
  const writer = new generator.TranscriptWriter(projectsDir, maxOpen);
  return {
    write(lines, onWritten) {
      for (const [relPath, group] of byFile(lines)) {
        writer.append(relPath, group.map((l) => l.text).join(''));
        onWritten(group, wall());
      }
    },
    async flush() {},
    close: () => writer.close(),
    errors: 0,
  };
}

/**
 * Sends lines through POST /api/v1/ingest, one request in flight; lines due meanwhile go in the
 * next. The server answers once the lines are stored and published, so a line's time is when its
 * request was sent, not when the call returned.
 */
function ingestSink(url) {
  const offsets = new Map();
  let queued = [];
  let inFlight = null;
  let onWrittenAll = null;
  const sink = {
    errors: 0,
    firstError: null,
    requests: 0,
    write(lines, onWritten) {
      onWrittenAll = onWritten;
      queued.push(...lines);
      if (!inFlight) inFlight = send();
    },
    async flush() {
      while (inFlight) await inFlight;
    },
    close() {},
  };
  async function send() {
    while (queued.length > 0) {
      const lines = queued;
      queued = [];
      for (const chunk of requestsOf([...byFile(lines)])) {
        const files = chunk.map(([relPath, group]) => {
          const data = group.map((l) => l.text).join('');
          const offset = offsets.get(relPath) ?? 0;
          offsets.set(relPath, offset + Buffer.byteLength(data));
          const slash = relPath.indexOf('/');
          return { project: relPath.slice(0, slash), file: relPath.slice(slash + 1), offset, data };
        });
        const sentAt = wall();
        for (const [, group] of chunk) onWrittenAll(group, sentAt);
        sink.requests++;
        try {
          const response = await fetch(`${url}/api/v1/ingest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ claude_dir_id: CLAUDE_DIR_ID, files }),
          });
          const text = await response.text();
          if (!response.ok) failed(`${response.status} ${text.slice(0, 300)}`);
          if (response.status === 409) {
            // Start the files that were refused where the server's copy ends, or every later request conflicts too.
            for (const result of JSON.parse(text).files ?? []) if (result.status !== 'ok') offsets.set(`${result.project}/${result.file}`, result.size);
          }
        } catch (error) {
          failed(error.message);
        }
      }
    }
    inFlight = null;
  }
  function failed(message) {
    sink.errors++;
    sink.firstError ??= message;
  }
  return sink;
}

/** Files' line groups cut into requests within the route's limits (a file larger than the byte budget goes alone). */
function requestsOf(groups) {
  const requests = [];
  let current = [];
  let bytes = 0;
  for (const group of groups) {
    const size = group[1].reduce((n, l) => n + l.text.length * 1.1, 0); // JSON escaping adds a little
    if (current.length > 0 && (current.length >= INGEST_MAX_FILES || bytes + size > INGEST_MAX_BYTES)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(group);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function pickSubscriptions(sessionIds, total, random) {
  const perSession = Math.round(total * 0.4);
  const activity = Math.max(1, Math.min(30, Math.round(total * 0.1)));
  const metrics = Math.max(1, total - 2 * perSession - activity);
  const order = sessionIds.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = Array.from({ length: perSession }, (_, i) => sessionIds[order[i % order.length]]);
  return [
    ...chosen.map((sessionId) => ({ channel: 'session', sessionId })),
    ...chosen.map((sessionId) => ({ channel: 'stats', sessionId })),
    ...Array.from({ length: activity }, () => ({ channel: 'activity' })),
    ...Array.from({ length: metrics }, () => ({ channel: 'metrics' })),
  ];
}

function walk(dir) {
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Transcript files whose end the server has not read: their stored offset is short of their size.
 * After the drain this is a line appended and never read, e.g. its file event lost.
 */
function unreadFiles(dbFile, claudeDir) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const offsets = new Map(db.prepare('SELECT rel_path, byte_offset FROM sources WHERE claude_dir = ?').all(claudeDir).map((r) => [r.rel_path, r.byte_offset]));
    const root = path.join(claudeDir, 'projects');
    let files = 0;
    let bytes = 0;
    const examples = [];
    for (const file of walk(root).filter((f) => f.endsWith('.jsonl'))) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const behind = fs.statSync(file).size - (offsets.get(rel) ?? 0);
      if (behind <= 0) continue;
      files++;
      bytes += behind;
      if (examples.length < 3) examples.push(`${rel} (${behind} bytes)`);
    }
    return { files, bytes, examples };
  } finally {
    db.close();
  }
}

async function scrapeMetrics(url) {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(/\s+/))
        .map(([name, value]) => [name, Number(value)]),
    );
  } catch {
    return {};
  }
}

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const int = (v) => Math.round(v).toLocaleString('en-US');

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const row of rows) console.log(format(row));
}

async function main() {
  const opts = options();
  if (opts.via === 'ingest' && !ingestAvailable()) {
    console.log('bench:live --via ingest: not available yet (POST /api/v1/ingest is not in this tree: packages/server/src/api/ingestRoute.ts)');
    process.exitCode = 2;
    return;
  }
  ensureBuilt();
  const generator = await loadGenerator();
  const cores = os.cpus().length;
  console.log(`ClaudeLens live benchmark — node ${process.version}, ${cores} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  console.log(`NOTE: the load generator, the ${opts.subscribers} WebSocket clients and the server share these ${cores} cores; the figures include that contention.`);
  console.log(
    `load: ${opts.sessions} sessions, ${opts.rate} lines/s in all (${(opts.rate / opts.sessions).toFixed(2)} per session), ${opts.durationS} s, via ${opts.via === 'files' ? 'transcript files' : 'POST /api/v1/ingest'}` +
      `; forced reconnects: ${opts.reconnect.count} clients every ${opts.reconnect.everyMs / 1000} s${opts.config ? `; --config ${opts.config}` : ''}`,
  );

  const scripts = generator.loadSessionScripts(generator.bundledProjectsDir()).filter((s) => s.messages > 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-live-'));
  const claudeDir = path.join(tmp, 'claude');
  fs.mkdirSync(path.join(claudeDir, 'projects'), { recursive: true });
  const dataDir = path.join(tmp, 'data');
  let server;
  let worker;
  try {
    const started = await startServe(CLI, {
      claudeDir,
      dataDir,
      logFile: path.join(tmp, 'serve.log'),
      args: opts.config ? ['--config', opts.config] : [],
      env: { ...process.env, CLAUDELENS_LOG_LEVEL: process.env.CLAUDELENS_LOG_LEVEL ?? 'warn' },
    });
    server = started.child;
    const url = `http://127.0.0.1:${started.port}`;
    const idle = readProc(server.pid);
    console.log(`server: pid ${server.pid} on ${url}, RSS at start ${f1(idle.rssMiB)} MiB; log ${path.join(tmp, 'serve.log')}`);

    const random = generator.seededRandom(opts.seed);
    const pool = new generator.ReplayPool(
      {
        scripts,
        sessions: opts.sessions,
        random,
        pace: () => (opts.sessions * 1000) / opts.rate,
        startDelay: (slot) => (slot * 1000) / opts.rate,
        keepSessions: true,
        tagPrefix: `b${Date.now().toString(36)}`,
      },
      wall(),
    );
    const subscriptions = pickSubscriptions(pool.sessionIds(), opts.subscribers, random);
    worker = new Worker(new URL('./liveClients.mjs', import.meta.url), { workerData: { url, subscriptions, reconnect: opts.reconnect } });
    const fromWorker = (type) => new Promise((resolve) => worker.on('message', (m) => m.type === type && resolve(m)));
    const ready = fromWorker('ready');
    const summaryReady = fromWorker('summary');
    worker.on('error', (error) => console.error(`clients worker failed: ${error.stack}`));

    const sink = opts.via === 'files' ? fileSink(generator, path.join(claudeDir, 'projects'), Math.min(16_000, opts.sessions * 3)) : ingestSink(url);
    const counted = { lines: 0, messages: 0, bytes: 0 };
    /** Per slot: the copy being replayed and the messages of it already sent (a copy may repeat a uuid; the server counts it once). */
    const copies = new Map();
    const messagesOf = new Map();
    const onWritten = (group, t) => {
      const items = [];
      for (const line of group) {
        counted.lines++;
        counted.bytes += line.text.length;
        if (!generator.isMessage(line)) continue;
        let copy = copies.get(line.slot);
        if (!copy || copy.tag !== line.tag) copies.set(line.slot, (copy = { tag: line.tag, seen: new Set() }));
        const key = `${line.sessionId} ${line.uuid}`;
        if (copy.seen.has(key)) continue;
        copy.seen.add(key);
        const k = (messagesOf.get(line.sessionId) ?? 0) + 1;
        messagesOf.set(line.sessionId, k);
        counted.messages++;
        items.push([line.sessionId, line.uuid, t, k]);
      }
      if (items.length > 0) worker.postMessage({ type: 'appends', items });
    };

    // Setup: every session's lines up to its first message, at --setup-rate, then nothing until
    // every subscriber has its snapshot. The measurement starts on a server that has caught up.
    const setupStart = wall();
    const setupSampler = setInterval(() => {
      const proc = readProc(server.pid);
      console.log(`  setup ${((wall() - setupStart) / 1000).toFixed(0).padStart(3)} s  appended ${int(counted.lines)} lines  server RSS ${f1(proc.rssMiB)} MiB  CPU time ${f1(proc.cpuS)} s`);
    }, opts.sampleMs);
    let starting = pool.sessionIds().map((_, slot) => slot);
    while (starting.length > 0) {
      const batch = [];
      const later = [];
      for (const slot of starting) {
        if (batch.length >= opts.setupRate / 10) later.push(slot);
        else {
          const line = pool.takeNext(slot, wall());
          batch.push(line);
          if (!generator.isMessage(line)) later.push(slot);
        }
      }
      sink.write(batch, onWritten);
      starting = later;
      await sleep(100);
    }
    await sink.flush();
    const readyTimeoutMs = 60_000 + opts.sessions * 30;
    const readyAt = await Promise.race([ready, sleep(readyTimeoutMs).then(() => null)]);
    clearInterval(setupSampler);
    if (!readyAt) {
      const status = fromWorker('status');
      worker.postMessage({ type: 'status' });
      const { unready } = await status;
      throw new BenchError(`${unready.length} of ${subscriptions.length} subscribers had no snapshot ${readyTimeoutMs / 1000} s after setup began, e.g. ${unready.slice(0, 5).join('; ')}`);
    }
    const warmup = { ...counted };

    let maxLagMs = 0;
    let appending = true;
    const t0 = wall();
    pool.reschedule(t0);
    worker.postMessage({ type: 'measure', from: t0 });
    let nextTick = t0;
    const tick = () => {
      if (!appending) return;
      const now = wall();
      maxLagMs = Math.max(maxLagMs, now - nextTick);
      sink.write(pool.due(now), onWritten);
      nextTick = Math.max(nextTick + TICK_MS, wall());
      setTimeout(tick, Math.max(0, nextTick - wall()));
    };
    tick();
    console.log(`setup: ${int(warmup.lines)} lines started ${opts.sessions} sessions; all ${subscriptions.length} subscribers had their snapshot after ${f1((readyAt.at - setupStart) / 1000)} s; now ${opts.rate} lines/s for ${opts.durationS} s`);

    const cpu0 = readProc(server.pid);
    const machine0 = machineCpu();
    const benchCpu0 = process.cpuUsage();
    const samples = [];
    let last = { t: t0, cpuS: cpu0.cpuS, lines: warmup.lines };
    const sampler = setInterval(() => {
      const proc = readProc(server.pid);
      const t = wall();
      const sample = { atS: (t - t0) / 1000, rssMiB: proc.rssMiB, cpu: (proc.cpuS - last.cpuS) / ((t - last.t) / 1000), rate: (counted.lines - last.lines) / ((t - last.t) / 1000) };
      samples.push(sample);
      last = { t, cpuS: proc.cpuS, lines: counted.lines };
      console.log(`  t=${sample.atS.toFixed(0).padStart(4)} s  appended ${int(counted.lines - warmup.lines).padStart(9)} lines (${int(sample.rate)}/s)  server RSS ${f1(sample.rssMiB)} MiB  CPU ${(sample.cpu * 100).toFixed(0)}%`);
    }, opts.sampleMs);

    await sleep(t0 + opts.durationS * 1000 - wall());
    appending = false;
    await sink.flush();
    const tEnd = wall();
    clearInterval(sampler);
    const cpu1 = readProc(server.pid);
    const machine1 = machineCpu();
    const benchCpu = process.cpuUsage(benchCpu0);
    worker.postMessage({ type: 'drain', until: tEnd, stallMs: opts.drainMs, maxMs: MAX_DRAIN_MS });
    const result = await summaryReady;
    const end = readProc(server.pid);
    const metrics = await scrapeMetrics(url);
    const unread = unreadFiles(path.join(dataDir, 'claudelens.db'), opts.via === 'files' ? claudeDir : path.join(dataDir, 'remote', CLAUDE_DIR_ID));
    await worker.terminate();
    worker = null;
    sink.close();

    const measuredS = (tEnd - t0) / 1000;
    const lines = counted.lines - warmup.lines;
    console.log(
      `\nappended in ${f1(measuredS)} s: ${int(lines)} lines (${int(lines / measuredS)}/s), ${int(counted.messages - warmup.messages)} messages, ${f1((counted.bytes - warmup.bytes) / 1e6)} MB;` +
        ` appender tick late by up to ${f1(maxLagMs)} ms${opts.via === 'ingest' ? `; ${int(sink.requests)} ingest requests, ${sink.errors} failed${sink.firstError ? ` (first: ${sink.firstError})` : ''}` : ''}`,
    );
    console.log(
      `server: CPU ${((cpu1.cpuS - cpu0.cpuS) / measuredS).toFixed(2)} cores on average (utime+stime ${f1(cpu1.cpuS - cpu0.cpuS)} s), peak RSS ${f1(end.peakMiB)} MiB (VmHWM), RSS after drain ${f1(end.rssMiB)} MiB`,
    );
    console.log(`server RSS every ${opts.sampleMs / 1000} s (MiB): ${samples.map((s) => s.rssMiB.toFixed(0)).join(' ')}`);
    const benchCores = (benchCpu.user + benchCpu.system) / 1e6 / measuredS;
    const machineBusy = (machine1.busyS - machine0.busyS) / measuredS;
    const serverCores = (cpu1.cpuS - cpu0.cpuS) / measuredS;
    console.log(
      `machine: ${machineBusy.toFixed(2)} of ${cores} cores busy: server ${serverCores.toFixed(2)}, bench process (appender + clients) ${benchCores.toFixed(2)}, everything else (kernel, other processes) ${(machineBusy - serverCores - benchCores).toFixed(2)}`,
    );
    console.log(`server disk writes: ${f1(cpu1.writeMB - cpu0.writeMB)} MB (${f1((cpu1.writeMB - cpu0.writeMB) / measuredS)} MB/s; SQLite WAL and checkpoints) for ${f1((counted.bytes - warmup.bytes) / 1e6)} MB appended; drain took ${f1(result.drainMs / 1000)} s`);

    const channels = ['session', 'stats', 'activity', 'metrics'];
    const what = { session: 'append -> new_message', stats: 'append -> stat_update(messages)', activity: 'append -> new_message', metrics: 'append -> next metric_update' };
    console.log('\nlatency in ms, for lines appended while the client was connected');
    printTable(
      ['channel', 'clients', 'measures', 'p50', 'p95', 'p99', 'max', 'n'],
      channels.map((c) => {
        const s = result.perChannel[c].live;
        return [c, result.perChannel[c].clients, what[c], f1(s.p50), f1(s.p95), f1(s.p99), f1(s.max), int(s.n)];
      }),
    );
    console.log('latency in ms, for lines appended while the client was away (delivered on resume with ?since=)');
    printTable(
      ['channel', 'p50', 'p95', 'p99', 'max', 'n'],
      channels.map((c) => {
        const s = result.perChannel[c].resumed;
        return [c, f1(s.p50), f1(s.p95), f1(s.p99), f1(s.max), int(s.n)];
      }),
    );
    const h = result.handshakes;
    console.log(`reconnect handshakes (socket opened -> 101): p50 ${f1(h.p50)}  p95 ${f1(h.p95)}  max ${f1(h.max)} ms (n=${h.n})`);
    console.log('\ndelivery (expected: per client, every message appended during the measurement)');
    printTable(
      ['channel', 'expected', 'delivered', 'missing', 'duplicates', 'seq gaps', 'seq repeats', 'resyncs', 'reconnects', 'server closes', 'unknown'],
      channels.map((c) => {
        const p = result.perChannel[c];
        return [c, int(p.expected), int(p.delivered), int(p.missing), p.duplicates, p.seqGaps, p.seqRepeats, p.resyncs, p.reconnects, p.serverCloses, p.early];
      }),
    );
    console.log(`stats: ${result.perChannel.stats.finalMismatch} of ${result.perChannel.stats.clients} clients ended on a messages value other than the number appended; metrics: ${int(result.perChannel.metrics.updates)} metric_update frames`);
    if (result.missingExamples.length > 0) console.log(`missing, e.g.: ${result.missingExamples.join('; ')}`);
    const m = (name) => (metrics[name] === undefined ? '-' : int(metrics[name]));
    console.log(
      `server /metrics: lines stored ${m('claudelens_ingest_lines_total')}, ws frames sent ${m('claudelens_ws_events_sent_total')}, coalesced ${m('claudelens_ws_events_coalesced_total')},` +
        ` dropped for resync ${m('claudelens_ws_events_dropped_total')}, live sessions ${m('claudelens_live_sessions')}, last read lag ${metrics.claudelens_ingest_lag_ms === undefined ? '-' : f1(metrics.claudelens_ingest_lag_ms)} ms`,
    );

    console.log(`files the server has not read to the end after the drain: ${unread.files} (${int(unread.bytes)} bytes)${unread.examples.length ? `, e.g. ${unread.examples.join(', ')}` : ''}`);

    const lost = channels.flatMap((c) => {
      const p = result.perChannel[c];
      const problems = [
        p.missing > 0 && `${p.missing} missing`,
        p.duplicates > 0 && `${p.duplicates} duplicated`,
        p.seqGaps > 0 && `${p.seqGaps} seq gaps`,
        p.resyncs > 0 && `${p.resyncs} resyncs`,
        p.early > 0 && `${p.early} unknown messages`,
        c === 'stats' && p.finalMismatch > 0 && `${p.finalMismatch} wrong final values`,
      ].filter(Boolean);
      return problems.length > 0 ? [`${c}: ${problems.join(', ')}`] : [];
    });
    if (opts.via === 'ingest' && sink.errors > 0) lost.push(`${sink.errors} ingest requests failed`);
    if (unread.files > 0) lost.push(`${unread.files} files never read to the end`);
    if (lost.length > 0) throw new BenchError(`LOST: ${lost.join('; ')}`);
    console.log('\nOK: every message arrived exactly once on every channel, across all reconnects');
  } finally {
    if (worker) await worker.terminate();
    if (server) await stopServe(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`\nbench:live failed: ${error instanceof BenchError ? error.message : error.stack}`);
  process.exitCode = 1;
});
