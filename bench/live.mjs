// Live load benchmark: the real `serve` as a child process, N sessions whose transcripts grow at
// an aggregate R lines/s, and WebSocket subscribers on all four channels with forced reconnects.
// The lines come from the demo's replay generator (packages/server/src/demo): real transcript
// lines from fixtures/claude-home with fresh ids and current timestamps. Prints, per channel,
// append -> receive latency, what was expected against what arrived (missing, duplicates, seq
// gaps, resyncs), and the server's RSS and CPU from /proc. Exits 1 when anything was lost.
// The load generator, the clients and the server share one machine: the output says how busy it was.
//
// With --nodes 2 it runs twice with the same load and prints the figures side by side: first as
// above (one node, SQLite, the in-process hub), then two `serve` nodes on the same claude dir
// sharing a fresh PostgreSQL database and a Redis bus. Node A (--node-id bench-a) starts first and
// holds the claude dir's lease, so it alone tails the transcripts; node B (bench-b) serves clients
// and gets every event through Redis. Client i connects to node i % 2 and every reconnect resumes
// with ?since= on the other node. Server RSS and CPU are given per node and summed.
//
// Usage: npm run bench:live -- [options]      (builds packages/protocol and packages/server first)
//   --nodes 1|2             1: one node as described above; 2: that, then two nodes, and a comparison (1)
//   --single yes|no         --nodes 2: run the single-node configuration first for the comparison (yes); no: two nodes only
//   --database-url URL      --nodes 2: the PostgreSQL server on which a fresh database claudelens_bench_<hex>
//                           is created for the two-node run and dropped at the end, even on failure
//                           (default $CLAUDELENS_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
//   --redis-url URL         --nodes 2: the Redis bus; name a database number of its own: it is emptied (FLUSHDB)
//                           before the two-node run (default $CLAUDELENS_REDIS_URL or redis://127.0.0.1:6379/13)
//   --sessions N            concurrent sessions, each one transcript file plus its subagents' (1000)
//   --rate R                transcript lines appended per second, all sessions together (2000)
//   --duration S            seconds of load; 300 for a soak (30)
//   --warmup S              seconds of load at --rate before the measurement begins; their latency is printed apart (20)
//   --via files|ingest      append to files under a temp claude dir, or POST /api/v1/ingest (files)
//   --config FILE           passed to serve --config
//   --subscribers N         40% on /ws/session, 40% /ws/stats (the same sessions), 10% activity, 10% metrics (100)
//   --reconnect-every S, --reconnect-count N, --reconnect-delay-ms MS
//                           every S s, N clients are dropped and resume with ?since= after up to MS ms (3, 4, 250)
//   --setup-rate R          lines/s while the sessions are started, before the measurement (1000)
//   --drain S               after the load, wait for deliveries until none for S s (at most 300 s) (15)
//   --sample-every S        server RSS and CPU sample interval (5);  --seed N  which scripts each session replays (1)
//   --node-args=ARGS        node's own flags for the servers, e.g. --node-args="--max-semi-space-size=64"
//   --cpu-prof DIR          each server writes V8 CPU profiles when it stops, one per thread, in DIR/single (or bench-a,
//                           bench-b): CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0 the event loop's
//
// Over 300 lines: one run (serve, appender, clients, figures) whose steps share its state; the options and the report are most of it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { CLI, ensureBuilt } from './build.mjs';
import { SERVE_NODE_FLAGS, startServe, stopServe } from './latency.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'packages/server/dist');
const TICK_MS = 10;
/** After the load stops, the clients wait while deliveries progress (--drain s without any ends it), at most this long. */
const MAX_DRAIN_MS = 300_000;
const CLAUDE_DIR_ID = 'bench-live';
/** POST /api/v1/ingest takes at most this many files per request, and by default 8 MiB. */
const INGEST_MAX_FILES = 1000;
const INGEST_MAX_BYTES = 4 * 1024 * 1024;
/** --nodes 2: node A starts first and holds the claude dir's lease; node B serves clients only. */
const NODE_IDS = ['bench-a', 'bench-b'];
const LEASE_TTL_S = 5;
/** Read by `serve` itself: the single-node run must not pick them up, the two-node run passes them as flags. */
const SERVE_ENV_OVERRIDES = ['CLAUDELENS_DATABASE_URL', 'CLAUDELENS_REDIS_URL', 'CLAUDELENS_NODE_ID'];

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class BenchError extends Error {}

function options() {
  const defaults = {
    sessions: '1000',
    rate: '2000',
    'setup-rate': '1000',
    duration: '30',
    warmup: '20',
    subscribers: '100',
    via: 'files',
    config: '',
    seed: '1',
    'reconnect-every': '3',
    'reconnect-count': '4',
    'reconnect-delay-ms': '250',
    'sample-every': '5',
    drain: '15',
    nodes: '1',
    single: 'yes',
    'database-url': process.env.CLAUDELENS_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    'redis-url': process.env.CLAUDELENS_REDIS_URL || 'redis://127.0.0.1:6379/13',
    'cpu-prof': '',
    'node-args': '',
  };
  const { values } = parseArgs({ options: Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { type: 'string', default: v }])) });
  const number = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new BenchError(`--${name} must be a number >= ${min}, got ${values[name]}`);
    return n;
  };
  if (values.via !== 'files' && values.via !== 'ingest') throw new BenchError(`--via must be files or ingest, got ${values.via}`);
  if (values.config && !fs.existsSync(values.config)) throw new BenchError(`--config ${values.config} not found`);
  if (values.nodes !== '1' && values.nodes !== '2') throw new BenchError(`--nodes must be 1 or 2, got ${values.nodes}`);
  if (values.single !== 'yes' && values.single !== 'no') throw new BenchError(`--single must be yes or no, got ${values.single}`);
  // Only --nodes 2 uses them: a CLAUDELENS_* variable set for something else must not stop a single-node run.
  if (values.nodes === '2' && !/^postgres(ql)?:\/\//.test(values['database-url'])) throw new BenchError(`--database-url must start with postgres:// or postgresql://, got ${values['database-url']}`);
  if (values.nodes === '2' && !/^rediss?:\/\/[^/]*\/\d+\/?$/.test(values['redis-url'])) {
    throw new BenchError(`--redis-url must name a database number of its own, which is emptied (FLUSHDB) before the run, e.g. redis://127.0.0.1:6379/13; got ${values['redis-url']}`);
  }
  return {
    sessions: Math.floor(number('sessions', 1)),
    rate: number('rate', 1),
    setupRate: number('setup-rate', 1),
    durationS: number('duration', 1),
    warmupS: number('warmup', 0),
    subscribers: Math.floor(number('subscribers', 4)),
    via: values.via,
    config: values.config ? path.resolve(values.config) : null,
    seed: Math.floor(number('seed', 0)),
    reconnect: { everyMs: number('reconnect-every', 0) * 1000, count: Math.floor(number('reconnect-count', 0)), maxDelayMs: number('reconnect-delay-ms', 0) },
    sampleMs: number('sample-every', 1) * 1000,
    drainMs: number('drain', 1) * 1000,
    nodes: Number(values.nodes),
    single: values.single === 'yes',
    databaseUrl: values['database-url'],
    redisUrl: values['redis-url'],
    cpuProfDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null,
    nodeArgs: values['node-args'].split(' ').filter(Boolean),
  };
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

/** A gap between two lines of a session up to this long counts as the session being active. */
const ACTIVE_GAP_MS = 5 * 60_000;

/**
 * How fast real sessions write: the bundled scripts' lines over their active time (the gaps
 * between lines up to ACTIVE_GAP_MS; a longer pause is the developer away). Sessions active for
 * less than a minute say little and are left out. The figure behind docs/scale-out.md's choice
 * of 1000 lines/s for 5000 sessions.
 */
function recordedRate(scripts) {
  let lines = 0;
  let activeMs = 0;
  let sessions = 0;
  for (const { lines: script } of scripts) {
    let active = 0;
    for (let i = 1; i < script.length; i++) {
      const gap = script[i].atMs - script[i - 1].atMs;
      if (gap <= ACTIVE_GAP_MS) active += gap;
    }
    if (active < 60_000) continue;
    lines += script.length;
    activeMs += active;
    sessions++;
  }
  return { perSession: lines / (activeMs / 1000), sessions };
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
      // Not for nothing queued: send() would then finish before `inFlight` is set, which would keep
      // a settled promise for good (no request sent again, and flush() spinning on it, the event loop stuck).
      if (!inFlight && queued.length > 0) inFlight = send().finally(() => (inFlight = null));
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
 * `offsets`: rel_path -> byte_offset of the claude dir's sources, from the store.
 */
function unreadFiles(offsets, claudeDir) {
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
}

function sqliteOffsets(dbFile, claudeDir) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return new Map(db.prepare('SELECT rel_path, byte_offset FROM sources WHERE claude_dir = ?').all(claudeDir).map((r) => [r.rel_path, r.byte_offset]));
  } finally {
    db.close();
  }
}

/** Runs `fn` with a connected pg client on `url`, and closes it. */
async function withPostgres(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {}); // a connection dropped later (DROP DATABASE ... WITH (FORCE)) is no news
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function postgresOffsets(url, claudeDir) {
  return withPostgres(url, async (client) => {
    const { rows } = await client.query('SELECT rel_path, byte_offset FROM sources WHERE claude_dir = $1', [claudeDir]);
    return new Map(rows.map((r) => [r.rel_path, Number(r.byte_offset)]));
  });
}

/** Who holds the claude dir's lease: node B should never have taken it from node A. */
async function leaseHolder(url, claudeDir) {
  return withPostgres(url, async (client) => {
    const { rows } = await client.query('SELECT node_id, acquired_at FROM source_leases WHERE claude_dir = $1', [claudeDir]);
    return rows[0] ? { nodeId: rows[0].node_id, acquiredAt: rows[0].acquired_at } : null;
  });
}

/**
 * FLUSHDB, so that the run starts on an empty stream and seq hash; refused when the database
 * holds keys that are not ClaudeLens's (claudelens:…): it is somebody else's.
 */
async function emptyRedis(redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    const foreign = keys.find((key) => !key.startsWith('claudelens:'));
    if (foreign !== undefined) {
      throw new BenchError(`Redis database ${redis.options.db} holds keys other than ClaudeLens's (e.g. ${foreign}): pass --redis-url with a database number of its own, which the bench empties`);
    }
    cursor = next;
  } while (cursor !== '0');
  await redis.flushdb();
}

/** Runs `fn` with a Redis client on `url`, and closes it. */
async function withRedis(url, fn) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 10_000 });
  let lastError = null;
  redis.on('error', (error) => (lastError = error));
  try {
    await redis.connect().catch((error) => {
      throw new BenchError(`cannot reach Redis at ${url}: ${(lastError ?? error).message}`);
    });
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Cleanups still to run: a signal (Ctrl-C) runs them before exiting, so that the servers stop and
 * the bench database goes even then. Each returns a function that runs it once and unregisters it.
 */
const cleanups = new Set();
function onCleanup(fn) {
  let done = null;
  const run = () => {
    cleanups.delete(run);
    return (done ??= Promise.resolve().then(fn));
  };
  cleanups.add(run);
  return run;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\nbench:live: ${signal}, cleaning up`);
    for (const run of [...cleanups].reverse()) await run().catch((error) => console.error(`cleanup failed: ${error.message}`));
    process.exit(130);
  });
}

/**
 * A fresh database on the --database-url server for `fn`, dropped afterwards whatever happens.
 * Its name is random: runs side by side never share one.
 */
async function withBenchDatabase(serverUrl, fn) {
  const name = `claudelens_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await withPostgres(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`)).catch((error) => {
    throw new BenchError(`cannot create database ${name} on ${redact(serverUrl)}: ${error.message}`);
  });
  const drop = onCleanup(async () => {
    await withPostgres(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    console.log(`dropped database ${name}`);
  });
  console.log(`created database ${name} on ${redact(serverUrl)}`);
  try {
    return await fn(url.toString(), name);
  } finally {
    await drop().catch((error) => console.error(`could not drop database ${name}: ${error.message}`));
  }
}

/** A URL without its password, for the output. */
function redact(raw) {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
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

/** What a server logged at warn or above (the log goes with the temp dir): how many, and the first kinds. */
function reportLog(server) {
  let lines = [];
  try {
    lines = fs.readFileSync(server.logFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  const warnings = lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line);
      return entry.level >= 40 ? [`${entry.msg}${entry.err?.message ? `: ${entry.err.message}` : ''}`] : [];
    } catch {
      return [line];
    }
  });
  const kinds = [...new Set(warnings)].slice(0, 3);
  console.log(`server${server.name ? ` ${server.name}` : ''} log: ${warnings.length} warnings or errors${kinds.length ? `, e.g. ${kinds.map((k) => k.slice(0, 200)).join(' | ')}` : ''}`);
}

/** A histogram from /metrics: its count, mean, and the bucket bound at or under which the q-quantile lies. */
function histogramSummary(metrics, name) {
  const count = metrics[`${name}_count`];
  if (!count) return '-';
  const buckets = Object.entries(metrics)
    .flatMap(([key, value]) => {
      const le = key.startsWith(`${name}_bucket{le="`) ? key.slice(name.length + 12, -2) : null;
      return le === null || le === '+Inf' ? [] : [{ le: Number(le), value }];
    })
    .sort((a, b) => a.le - b.le);
  const quantile = (q) => buckets.find((b) => b.value >= q * count)?.le ?? Infinity;
  return `${int(count)}, mean ${f1(metrics[`${name}_sum`] / count)} ms, p50 <= ${quantile(0.5)} ms, p99 <= ${quantile(0.99)} ms`;
}

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const int = (v) => Math.round(v).toLocaleString('en-US');
const pct = (v) => `${Math.round(v * 100)}%`;

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const row of rows) console.log(format(row));
}

const CHANNELS = ['session', 'stats', 'activity', 'metrics'];
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** One node: "X<unit>"; several: "a X<unit> + b Y<unit> = Z<unit>". */
function perNode(names, values, format, unit) {
  if (values.length === 1) return `${format(values[0])}${unit}`;
  return `${values.map((v, i) => `${names[i]} ${format(v)}${unit}`).join(' + ')} = ${format(sum(values))}${unit}`;
}

/** --nodes 2: PostgreSQL and Redis reachable before a long single-node run, not after it. */
async function preflight(opts) {
  const version = await withPostgres(opts.databaseUrl, async (client) => Number((await client.query('SHOW server_version_num')).rows[0].server_version_num)).catch((error) => {
    throw new BenchError(`cannot reach PostgreSQL at ${redact(opts.databaseUrl)}: ${error.message}`);
  });
  if (version < 130000) throw new BenchError(`PostgreSQL ${version} at ${redact(opts.databaseUrl)}: the bench needs 13 or later (DROP DATABASE ... WITH (FORCE))`);
  await withRedis(opts.redisUrl, (redis) => redis.ping());
}

/**
 * One measurement: a fresh temp claude dir, the server(s), setup, load, drain; prints its full
 * report and returns its figures. `setup`: { nodes: 1 } (SQLite in the data dir, in-process hub)
 * or { nodes: 2, databaseUrl, redisUrl } (two nodes on a shared PostgreSQL store and Redis bus).
 * What was lost is in `lost` (empty when nothing was): the caller decides.
 */
async function runConfiguration(opts, generator, setup) {
  const multi = setup.nodes > 1;
  const scripts = generator.loadSessionScripts(generator.bundledProjectsDir()).filter((s) => s.messages > 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-live-'));
  const claudeDir = path.join(tmp, 'claude');
  fs.mkdirSync(path.join(claudeDir, 'projects'), { recursive: true });
  const dataDirs = multi ? NODE_IDS.map((id) => path.join(tmp, `data-${id}`)) : [path.join(tmp, 'data')];
  /** { name, child, url, logFile }: node A first. */
  const servers = [];
  let worker;
  /** Set by the cleanup: a signal runs it while the appender may still be going, and nothing may write into the removed dir. */
  let stopped = false;
  const cleanup = onCleanup(async () => {
    stopped = true;
    if (worker) await worker.terminate();
    // Node B first: node A stopping releases its lease, which B would otherwise take up while stopping.
    for (const server of [...servers].reverse()) await stopServe(server.child);
    for (const server of servers) reportLog(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  try {
    const env = { ...process.env, CLAUDELENS_LOG_LEVEL: process.env.CLAUDELENS_LOG_LEVEL ?? 'warn' };
    for (const key of SERVE_ENV_OVERRIDES) delete env[key];
    for (let i = 0; i < setup.nodes; i++) {
      const name = multi ? NODE_IDS[i] : 'server';
      const logFile = path.join(tmp, multi ? `serve-${name}.log` : 'serve.log');
      const args = [
        ...(opts.config ? ['--config', opts.config] : []),
        ...(multi ? ['--database-url', setup.databaseUrl, '--redis-url', setup.redisUrl, '--node-id', name, '--lease-ttl', String(LEASE_TTL_S)] : []),
      ];
      // startServe resolves once /healthz says "live": node A then holds the lease and tails, before node B starts.
      // Node 20 takes --cpu-prof-name as it is, for every thread: one name made the threads' profiles overwrite each other.
      const nodeArgs = [...opts.nodeArgs, ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(opts.cpuProfDir, multi ? name : 'single')] : [])];
      const started = await startServe(CLI, { claudeDir, dataDir: dataDirs[i], logFile, args, env, nodeArgs });
      const server = { name, child: started.child, url: `http://127.0.0.1:${started.port}`, logFile };
      servers.push(server);
      const idle = readProc(server.child.pid);
      console.log(`server${multi ? ` ${name}` : ''}: pid ${server.child.pid} on ${server.url}, RSS at start ${f1(idle.rssMiB)} MiB; log ${logFile}`);
      if (multi && i === 0) {
        const lease = await leaseHolder(setup.databaseUrl, claudeDir);
        if (lease?.nodeId !== name) throw new BenchError(`${name} is live but the lease on ${claudeDir} is held by ${lease?.nodeId ?? 'nobody'}`);
      }
    }
    const names = servers.map((s) => s.name);
    const urls = servers.map((s) => s.url);
    const procsNow = () => servers.map((s) => readProc(s.child.pid));

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
    // Client i connects to urls[i % n] and resumes on the next node at every reconnect.
    worker = new Worker(new URL('./liveClients.mjs', import.meta.url), { workerData: { urls, subscriptions, reconnect: opts.reconnect } });
    const fromWorker = (type) => new Promise((resolve) => worker.on('message', (m) => m.type === type && resolve(m)));
    const ready = fromWorker('ready');
    const summaryReady = fromWorker('summary');
    worker.on('error', (error) => console.error(`clients worker failed: ${error.stack}`));

    // Ingest goes to node A, which mirrors the files under its data dir and reads them.
    const sink = opts.via === 'files' ? fileSink(generator, path.join(claudeDir, 'projects'), Math.min(16_000, opts.sessions * 3)) : ingestSink(urls[0]);
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
      if (stopped) return;
      const procs = procsNow();
      console.log(
        `  setup ${((wall() - setupStart) / 1000).toFixed(0).padStart(3)} s  appended ${int(counted.lines)} lines  server RSS ${perNode(names, procs.map((p) => p.rssMiB), f1, ' MiB')}  CPU time ${perNode(names, procs.map((p) => p.cpuS), f1, ' s')}`,
      );
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
      if (stopped) {
        clearInterval(setupSampler);
        throw new BenchError('interrupted');
      }
      sink.write(batch, onWritten);
      starting = later;
      await sleep(100);
    }
    await sink.flush();
    const readyTimeoutMs = 60_000 + opts.sessions * 30;
    let readyTimer;
    const readyAt = await Promise.race([ready, new Promise((resolve) => (readyTimer = setTimeout(() => resolve(null), readyTimeoutMs)))]);
    clearTimeout(readyTimer); // or it keeps the process up for a minute after the report
    clearInterval(setupSampler);
    if (!readyAt) {
      const status = fromWorker('status');
      worker.postMessage({ type: 'status' });
      const { unready } = await status;
      throw new BenchError(`${unready.length} of ${subscriptions.length} subscribers had no snapshot ${readyTimeoutMs / 1000} s after setup began, e.g. ${unready.slice(0, 5).join('; ')}`);
    }
    const setupLines = counted.lines;
    let maxLagMs = 0;
    let appending = true;
    const loadStart = wall();
    worker.postMessage({ type: 'load', from: loadStart });
    pool.reschedule(loadStart);
    let nextTick = loadStart;
    const tick = () => {
      if (!appending || stopped) return;
      const now = wall();
      maxLagMs = Math.max(maxLagMs, now - nextTick);
      sink.write(pool.due(now), onWritten);
      nextTick = Math.max(nextTick + TICK_MS, wall());
      setTimeout(tick, Math.max(0, nextTick - wall()));
    };
    tick();
    // The load running before the measurement (--warmup): every process, the bench's own too, past
    // its start (see docs/scale-out.md, "When the target is measured"). Its latency is printed apart.
    if (opts.warmupS > 0) await sleep(opts.warmupS * 1000);
    /** What was appended before the measurement: the setup, and the warm-up. */
    const warmup = { ...counted };
    const t0 = wall();
    worker.postMessage({ type: 'measure', from: t0 });
    console.log(`setup: ${int(setupLines)} lines started ${opts.sessions} sessions; all ${subscriptions.length} subscribers had their snapshot after ${f1((readyAt.at - setupStart) / 1000)} s; now ${opts.rate} lines/s for ${opts.durationS} s from t=0 at ${new Date(t0).toISOString()}${opts.warmupS > 0 ? `, after ${opts.warmupS} s of it not measured` : ''}`);

    const cpu0 = procsNow();
    const machine0 = machineCpu();
    const benchCpu0 = process.cpuUsage();
    const samples = [];
    let last = { t: t0, cpuS: cpu0.map((p) => p.cpuS), lines: warmup.lines };
    const sampler = setInterval(() => {
      if (stopped) return;
      const procs = procsNow();
      const t = wall();
      const seconds = (t - last.t) / 1000;
      const sample = { atS: (t - t0) / 1000, rssMiB: procs.map((p) => p.rssMiB), cpu: procs.map((p, i) => (p.cpuS - last.cpuS[i]) / seconds), rate: (counted.lines - last.lines) / seconds };
      samples.push(sample);
      // V8's heap as the server reports it: tells its growth from memory outside the heap.
      void Promise.all(urls.map((url) => scrapeMetrics(url))).then((ms) => {
        sample.heapMiB = ms.map((m) => [m.claudelens_process_heap_used_bytes, m.claudelens_process_heap_total_bytes].map((b) => b / 1048576));
      });
      last = { t, cpuS: procs.map((p) => p.cpuS), lines: counted.lines };
      console.log(
        `  t=${sample.atS.toFixed(0).padStart(4)} s  appended ${int(counted.lines - warmup.lines).padStart(9)} lines (${int(sample.rate)}/s)  server RSS ${perNode(names, sample.rssMiB, f1, ' MiB')}  CPU ${perNode(names, sample.cpu.map((c) => c * 100), (v) => v.toFixed(0), '%')}`,
      );
    }, opts.sampleMs);

    await sleep(t0 + opts.durationS * 1000 - wall());
    appending = false;
    await sink.flush();
    const tEnd = wall();
    clearInterval(sampler);
    const cpu1 = procsNow();
    const machine1 = machineCpu();
    const benchCpu = process.cpuUsage(benchCpu0);
    worker.postMessage({ type: 'drain', until: tEnd, stallMs: opts.drainMs, maxMs: MAX_DRAIN_MS });
    const result = await summaryReady;
    const end = procsNow();
    const metrics = await Promise.all(urls.map((url) => scrapeMetrics(url)));
    const unreadDir = opts.via === 'files' ? claudeDir : path.join(dataDirs[0], 'remote', CLAUDE_DIR_ID);
    const offsets = multi ? await postgresOffsets(setup.databaseUrl, unreadDir) : sqliteOffsets(path.join(dataDirs[0], 'claudelens.db'), unreadDir);
    const unread = unreadFiles(offsets, unreadDir);
    const lease = multi ? await leaseHolder(setup.databaseUrl, claudeDir) : null;
    await worker.terminate();
    worker = null;
    sink.close();

    const measuredS = (tEnd - t0) / 1000;
    const lines = counted.lines - warmup.lines;
    console.log(
      `\nappended in ${f1(measuredS)} s: ${int(lines)} lines (${int(lines / measuredS)}/s), ${int(counted.messages - warmup.messages)} messages, ${f1((counted.bytes - warmup.bytes) / 1e6)} MB;` +
        ` appender tick late by up to ${f1(maxLagMs)} ms${opts.via === 'ingest' ? `; ${int(sink.requests)} ingest requests, ${sink.errors} failed${sink.firstError ? ` (first: ${sink.firstError})` : ''}` : ''}`,
    );
    const nodeCores = cpu1.map((p, i) => (p.cpuS - cpu0[i].cpuS) / measuredS);
    servers.forEach((server, i) => {
      console.log(
        `server${multi ? ` ${server.name}` : ''}: CPU ${nodeCores[i].toFixed(2)} cores on average (utime+stime ${f1(cpu1[i].cpuS - cpu0[i].cpuS)} s), peak RSS ${f1(end[i].peakMiB)} MiB (VmHWM), RSS after drain ${f1(end[i].rssMiB)} MiB`,
      );
    });
    if (multi) {
      console.log(
        `servers together: CPU ${sum(nodeCores).toFixed(2)} cores on average, peak RSS ${f1(sum(end.map((p) => p.peakMiB)))} MiB (sum of the nodes' VmHWM), RSS after drain ${f1(sum(end.map((p) => p.rssMiB)))} MiB`,
      );
    }
    servers.forEach((server, i) => console.log(`server${multi ? ` ${server.name}` : ''} RSS every ${opts.sampleMs / 1000} s (MiB): ${samples.map((s) => s.rssMiB[i].toFixed(0)).join(' ')}`));
    servers.forEach((server, i) =>
      console.log(
        `server${multi ? ` ${server.name}` : ''} V8 heap used/reserved every ${opts.sampleMs / 1000} s (MiB): ${samples.map((s) => (s.heapMiB ? s.heapMiB[i].map((v) => (Number.isFinite(v) ? v.toFixed(0) : '-')).join('/') : '-')).join(' ')}`,
      ),
    );
    const benchCores = (benchCpu.user + benchCpu.system) / 1e6 / measuredS;
    const machineBusy = (machine1.busyS - machine0.busyS) / measuredS;
    const serverCores = sum(nodeCores);
    console.log(
      `machine: ${machineBusy.toFixed(2)} of ${os.cpus().length} cores busy: server${multi ? 's (both nodes)' : ''} ${serverCores.toFixed(2)}, bench process (appender + clients) ${benchCores.toFixed(2)}, everything else (kernel, ${multi ? 'PostgreSQL, Redis, ' : ''}other processes) ${(machineBusy - serverCores - benchCores).toFixed(2)}`,
    );
    const writeMB = cpu1.map((p, i) => p.writeMB - cpu0[i].writeMB);
    console.log(
      `server disk writes: ${perNode(names, writeMB, f1, ' MB')} (${f1(sum(writeMB) / measuredS)} MB/s; ${multi ? "the nodes' own: PostgreSQL and Redis write in their own processes" : 'SQLite WAL and checkpoints'}) for ${f1((counted.bytes - warmup.bytes) / 1e6)} MB appended; drain took ${f1(result.drainMs / 1000)} s`,
    );

    const what = { session: 'append -> new_message', stats: 'append -> stat_update(messages)', activity: 'append -> new_message', metrics: 'append -> next metric_update' };
    console.log('\nlatency in ms, for lines appended while the client was connected and delivered on that connection');
    printTable(
      ['channel', 'clients', 'measures', 'p50', 'p95', 'p99', 'max', 'n'],
      CHANNELS.map((c) => {
        const s = result.perChannel[c].live;
        return [c, result.perChannel[c].clients, what[c], f1(s.p50), f1(s.p95), f1(s.p99), f1(s.max), int(s.n)];
      }),
    );
    console.log('latency in ms, for lines delivered on resume with ?since=: appended while the client was away, or in flight when it hung up');
    printTable(
      ['channel', 'p50', 'p95', 'p99', 'max', 'n', 'of which in flight'],
      CHANNELS.map((c) => {
        const s = result.perChannel[c].resumed;
        return [c, f1(s.p50), f1(s.p95), f1(s.p99), f1(s.max), int(s.n), int(result.perChannel[c].inFlightAtHangUp)];
      }),
    );
    if (opts.warmupS > 0) {
      const w = result.warmup;
      console.log(
        `the warm-up, not in the figures above: the first ${opts.warmupS} s of load on freshly started processes, live latency p50 / p99 / max (ms): ` +
          ['session', 'stats', 'activity'].map((c) => `${c} ${f1(w[c].p50)} / ${f1(w[c].p99)} / ${f1(w[c].max)} (n=${int(w[c].n)})`).join(', '),
      );
    }
    const h = result.handshakes;
    console.log(`reconnect handshakes (socket opened -> 101): p50 ${f1(h.p50)}  p95 ${f1(h.p95)}  max ${f1(h.max)} ms (n=${h.n})`);
    const w = result.worker;
    console.log(
      `the clients' worker while measuring: event-loop delay p99 ${f1(w.loopP99Ms)}, max ${f1(w.loopMaxMs)} ms; GC ${w.gc.n} pauses, ${f1(w.gc.totalMs)} ms in all, ${w.gc.over20} over 20 ms, the longest ${f1(w.gc.maxMs)} ms`,
    );
    console.log('\ndelivery (expected: per client, every message appended during the measurement)');
    printTable(
      ['channel', 'expected', 'delivered', 'missing', 'duplicates', 'seq gaps', 'seq repeats', 'resyncs', 'reconnects', 'server closes', 'unknown'],
      CHANNELS.map((c) => {
        const p = result.perChannel[c];
        return [c, int(p.expected), int(p.delivered), int(p.missing), p.duplicates, p.seqGaps, p.seqRepeats, p.resyncs, p.reconnects, p.serverCloses, p.early];
      }),
    );
    if (multi) {
      console.log('per node: WebSocket connections opened on it, of which resumes (?since=, always from the other node) and refusals as an unknown session (4404, retried);');
      console.log('          what its clients saw, and their live latency in ms on the session, activity and stats channels');
      printTable(
        ['node', 'connections', 'resumes', 'unknown session', 'seq gaps', 'resyncs', 'live p50', 'p99', 'n'],
        servers.map((server, i) => {
          const n = result.byNode[i];
          const reasons = Object.entries(n.resyncs).map(([reason, count]) => `${count} ${reason}`);
          return [server.name, int(n.connections), int(n.resumes), int(n.unknown), n.seqGaps, reasons.length > 0 ? reasons.join(', ') : 0, f1(n.latency.p50), f1(n.latency.p99), int(n.latency.n)];
        }),
      );
    }
    const { tail } = result;
    if (tail) {
      console.log(
        `activity: the slowest 1% (${int(tail.slow)} frames, >= ${f1(tail.p99)} ms) were appended in ${tail.windows} of ${tail.of} 250 ms windows, ` +
          `${pct(tail.top5 / tail.slow)} in the worst five (at ${tail.worst.map((w) => `${w.atS.toFixed(2)} s: ${int(w.count)}`).join(', ')})`,
      );
      console.log(`activity p99 in each 10 s of the run (ms): ${tail.byTenSeconds.map((v) => f1(v)).join(' / ')}`);
    }
    console.log(`stats: ${result.perChannel.stats.finalMismatch} of ${result.perChannel.stats.clients} clients ended on a messages value other than the number appended; metrics: ${int(result.perChannel.metrics.updates)} metric_update frames`);
    if (result.missingExamples.length > 0) console.log(`missing, e.g.: ${result.missingExamples.join('; ')}`);
    servers.forEach((server, i) => {
      const m = (name) => (metrics[i][name] === undefined ? '-' : int(metrics[i][name]));
      console.log(
        `server${multi ? ` ${server.name}` : ''} /metrics: lines stored ${m('claudelens_ingest_lines_total')}, ws frames sent ${m('claudelens_ws_events_sent_total')}, coalesced ${m('claudelens_ws_events_coalesced_total')},` +
          ` dropped for resync ${m('claudelens_ws_events_dropped_total')}, live sessions ${m('claudelens_live_sessions')}, last read lag ${metrics[i].claudelens_ingest_lag_ms === undefined ? '-' : f1(metrics[i].claudelens_ingest_lag_ms)} ms` +
          `; event-loop delay p99 ${f1(metrics[i].claudelens_event_loop_delay_p99_ms)} ms, max ${f1(metrics[i].claudelens_event_loop_delay_max_ms)} ms` +
          `; store commits ${histogramSummary(metrics[i], 'claudelens_store_commit_ms')}; reads ${histogramSummary(metrics[i], 'claudelens_ingest_read_lag_ms')}` +
          (multi ? `; bus: up ${m('claudelens_bus_up')}, sent ${m('claudelens_bus_sent_total')}, received ${m('claudelens_bus_received_total')}, buffered ${m('claudelens_bus_buffered')}, dropped ${m('claudelens_bus_dropped_total')}; commits published for another node ${m('claudelens_outbox_published_total')}` : ''),
      );
    });
    if (multi) {
      const held = lease ? `${lease.nodeId} (acquired ${lease.acquiredAt.toISOString()})` : 'nobody';
      console.log(`lease on the claude dir at the end: ${held}${lease?.nodeId === NODE_IDS[0] ? '' : ` — NOTE: ${NODE_IDS[0]} should have held it throughout`}`);
    }

    console.log(`files the server has not read to the end after the drain: ${unread.files} (${int(unread.bytes)} bytes)${unread.examples.length ? `, e.g. ${unread.examples.join(', ')}` : ''}`);

    const lost = CHANNELS.flatMap((c) => {
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
    return {
      nodes: servers.map((server, i) => ({ name: server.name, cores: nodeCores[i], peakMiB: end[i].peakMiB, rssMiB: end[i].rssMiB })),
      serverCores,
      peakMiB: sum(end.map((p) => p.peakMiB)),
      perChannel: result.perChannel,
      warmup: result.warmup,
      handshakes: result.handshakes,
      unread,
      lost,
    };
  } finally {
    await cleanup();
  }
}

const OK_TEXT = 'OK: every message arrived exactly once on every channel, across all reconnects';

/** --nodes 2: both runs' figures side by side. */
function printComparison(single, double) {
  const rows = [];
  const both = (label, value) => rows.push([label, value(single), value(double)]);
  for (const c of CHANNELS) {
    for (const q of ['p50', 'p95', 'p99', 'max']) both(`${c} ${q} ms (live)`, (r) => f1(r.perChannel[c].live[q]));
    if (c !== 'metrics' && single.warmup[c].n + double.warmup[c].n > 0) both(`${c} p99 ms in the warm-up (not measured)`, (r) => f1(r.warmup[c].p99));
    both(`${c} delivered`, (r) => `${int(r.perChannel[c].delivered)} of ${int(r.perChannel[c].expected)}`);
    for (const [label, key] of [['missing', 'missing'], ['duplicates', 'duplicates'], ['seq gaps', 'seqGaps'], ['resyncs', 'resyncs'], ['reconnects', 'reconnects']]) {
      both(`${c} ${label}`, (r) => int(r.perChannel[c][key]));
    }
  }
  const split = (r, value, format) => (r.nodes.length > 1 ? `${format(sum(r.nodes.map(value)))} (${r.nodes.map((n) => format(value(n))).join(' + ')})` : format(value(r.nodes[0])));
  both('server peak RSS MiB (VmHWM; 2 nodes: sum (a + b))', (r) => split(r, (n) => n.peakMiB, f1));
  both('server CPU cores on average (2 nodes: sum (a + b))', (r) => split(r, (n) => n.cores, (v) => v.toFixed(2)));
  both('files not read to the end', (r) => int(r.unread.files));
  both('verdict', (r) => (r.lost.length > 0 ? 'LOST' : 'OK'));
  console.log('\n— comparison: 1 node vs 2 nodes (same sessions, rate, duration, subscribers, seed) —');
  printTable(['', '1 node', '2 nodes'], rows);
}

async function main() {
  const opts = options();
  if (opts.via === 'ingest' && !ingestAvailable()) {
    console.log('bench:live --via ingest: not available yet (POST /api/v1/ingest is not in this tree: packages/server/src/api/ingestRoute.ts)');
    process.exitCode = 2;
    return;
  }
  if (opts.nodes > 1) await preflight(opts);
  ensureBuilt();
  const generator = await loadGenerator();
  const cores = os.cpus().length;
  console.log(`ClaudeLens live benchmark — node ${process.version}, ${cores} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  console.log(`NOTE: the load generator, the ${opts.subscribers} WebSocket clients and the server share these ${cores} cores; the figures include that contention.`);
  console.log(`serve runs as npm start runs it: node ${[...SERVE_NODE_FLAGS, ...opts.nodeArgs].join(' ') || '(no flags)'}`);
  console.log(
    `load: ${opts.sessions} sessions, ${opts.rate} lines/s in all (${(opts.rate / opts.sessions).toFixed(2)} per session), ${opts.durationS} s, via ${opts.via === 'files' ? 'transcript files' : 'POST /api/v1/ingest'}` +
      `; forced reconnects: ${opts.reconnect.count} clients every ${opts.reconnect.everyMs / 1000} s${opts.config ? `; --config ${opts.config}` : ''}`,
  );
  const recorded = recordedRate(generator.loadSessionScripts(generator.bundledProjectsDir()));
  console.log(
    `recorded: the bundled sessions wrote ${recorded.perSession.toFixed(2)} lines/s each while active (${recorded.sessions} sessions, gaps under ${ACTIVE_GAP_MS / 60_000} min), ` +
      `so ${opts.sessions} sessions all active write about ${int(recorded.perSession * opts.sessions)} lines/s: this load is ${(opts.rate / opts.sessions / recorded.perSession).toFixed(1)}× that`,
  );

  if (opts.nodes === 1) {
    const run = await runConfiguration(opts, generator, { nodes: 1 });
    if (run.lost.length > 0) throw new BenchError(`LOST: ${run.lost.join('; ')}`);
    console.log(`\n${OK_TEXT}`);
    return;
  }

  const verdict = (run) => console.log(run.lost.length > 0 ? `\nLOST: ${run.lost.join('; ')}` : `\n${OK_TEXT}`);
  let single = null;
  if (opts.single) {
    console.log('\n— 1 node (SQLite, in-process hub) —');
    single = await runConfiguration(opts, generator, { nodes: 1 });
    verdict(single);
  }
  console.log('\n— 2 nodes (PostgreSQL + Redis) —');
  const double = await withBenchDatabase(opts.databaseUrl, async (databaseUrl) => {
    await withRedis(opts.redisUrl, emptyRedis);
    console.log(`emptied Redis ${redact(opts.redisUrl)} (FLUSHDB)`);
    return runConfiguration(opts, generator, { nodes: 2, databaseUrl, redisUrl: opts.redisUrl });
  });
  verdict(double);
  if (single) printComparison(single, double);
  const lost = [single?.lost.length > 0 && `1 node: ${single.lost.join('; ')}`, double.lost.length > 0 && `2 nodes: ${double.lost.join('; ')}`].filter(Boolean);
  if (lost.length > 0) throw new BenchError(`LOST: ${lost.join(' | ')}`);
  console.log(single ? '\nOK: nothing lost with 1 node nor with 2' : '\nOK: nothing lost with 2 nodes');
}

main().catch((error) => {
  console.error(`\nbench:live failed: ${error instanceof BenchError ? error.message : error.stack}`);
  process.exitCode = 1;
});
