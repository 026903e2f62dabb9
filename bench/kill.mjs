// npm run bench:kill -- [--runs N] [--sessions N] [--rate R] [--database-url URL] [--redis-url URL]
//
// A node killed under load, for real: two `claudelens serve` processes on PostgreSQL and Redis
// (node A tails the folder, node B serves a WebSocket client of /ws/activity-stream), sessions
// appending user and assistant lines at R lines/s, node A SIGKILLed 8 s in, the load going on for
// 15 s more while node B takes the folder over. Then: did B's client get every line appended,
// once? A kill that lands between a commit reaching PostgreSQL and its events reaching Redis
// used to lose that commit's lines (docs/scale-out.md, the live outbox); B's
// claudelens_outbox_published_total says how often B published such a commit for A.
//
//   --runs N            kills in a row, each on a database and Redis of its own (default 5)
//   --sessions N        sessions appending (default 300)
//   --rate R            lines a second in all (default 1500)
//   --database-url URL  the PostgreSQL server; a database claudelens_kill_<hex> is created and dropped
//   --redis-url URL     the Redis bus; a database number of its own, emptied (FLUSHDB) before each run
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { CLI } from './build.mjs';
import { startServe, stopServe } from './latency.mjs';

const TICK_MS = 20;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sessions: { type: 'string', default: '300' },
    rate: { type: 'string', default: '1500' },
    'database-url': { type: 'string', default: process.env.CLAUDELENS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379/14' },
  },
});
const opts = { runs: Number(values.runs), sessions: Number(values.sessions), rate: Number(values.rate), databaseUrl: values['database-url'], redisUrl: values['redis-url'] };
for (const [name, value] of Object.entries({ runs: opts.runs, sessions: opts.sessions, rate: opts.rate })) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
}
if (!/\/\d+$/.test(opts.redisUrl)) throw new Error(`--redis-url must name a database number of its own (it is emptied), e.g. redis://127.0.0.1:6379/14; got ${opts.redisUrl}`);
if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(sql) {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `serve` as node `name` on the run's database and Redis; resolves once it is live. */
function serve(name, home, databaseUrl) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-kill-data-'));
  const args = ['--database-url', databaseUrl, '--redis-url', opts.redisUrl, '--node-id', name, '--lease-ttl', '3'];
  return startServe(CLI, { claudeDir: home, dataDir, logFile: path.join(dataDir, 'serve.log'), args, env: { ...process.env, CLAUDELENS_LOG_LEVEL: 'warn' } }).then((started) => ({ ...started, dataDir }));
}

/** A user or an assistant line, alternately; returns the line and its uuid. */
function transcriptLine(sessionId, n) {
  const uuid = randomUUID();
  const base = { parentUuid: null, isSidechain: false, userType: 'external', cwd: '/tmp/demo', sessionId, version: '2.1.114', uuid, timestamp: new Date().toISOString() };
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const line =
    n % 2 === 0
      ? { ...base, type: 'user', message: { role: 'user', content: `prompt ${n}` } }
      : { ...base, type: 'assistant', requestId: `req_${uuid}`, message: { id: `msg_${uuid}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'ok' }], stop_reason: null, usage } };
  return { text: `${JSON.stringify(line)}\n`, uuid };
}

async function run() {
  const name = `claudelens_kill_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const databaseUrl = new URL(opts.databaseUrl);
  databaseUrl.pathname = `/${name}`;
  const redis = new Redis(opts.redisUrl);
  await redis.flushdb();
  redis.disconnect();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-kill-home-'));
  const projectDir = path.join(home, 'projects', '-tmp-demo');
  fs.mkdirSync(projectDir, { recursive: true });
  let a = null;
  let b = null;
  try {
    a = await serve('node-a', home, databaseUrl.toString()); // first: it holds the folder
    b = await serve('node-b', home, databaseUrl.toString());
    const portB = b.port;
    const seen = new Map();
    const ws = new WebSocket(`ws://127.0.0.1:${portB}/ws/activity-stream`);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'new_message') seen.set(frame.data.uuid, (seen.get(frame.data.uuid) ?? 0) + 1);
    });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));

    const sessions = Array.from({ length: opts.sessions }, () => randomUUID());
    const appended = [];
    let writing = true;
    const perTick = Math.max(1, Math.round((opts.rate * TICK_MS) / 1000));
    const writer = (async () => {
      while (writing) {
        for (let i = 0; i < perTick; i++) {
          const sessionId = sessions[Math.floor(Math.random() * sessions.length)];
          const { text, uuid } = transcriptLine(sessionId, appended.length);
          fs.appendFileSync(path.join(projectDir, `${sessionId}.jsonl`), text);
          appended.push(uuid);
        }
        await sleep(TICK_MS);
      }
    })();
    await sleep(8000);
    a.child.kill('SIGKILL');
    const killedAfter = appended.length;
    await sleep(15_000);
    writing = false;
    await writer;
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && appended.some((uuid) => !seen.has(uuid))) await sleep(500);
    const metrics = await fetch(`http://127.0.0.1:${portB}/metrics`).then((r) => r.text());
    ws.close();
    return {
      appended: appended.length,
      killedAfter,
      missing: appended.filter((uuid) => !seen.has(uuid)).length,
      twice: [...seen.values()].filter((count) => count > 1).length,
      published: Number(/^claudelens_outbox_published_total (\d+)$/m.exec(metrics)?.[1] ?? NaN),
    };
  } finally {
    a?.child.kill('SIGKILL');
    if (b) await stopServe(b.child);
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    for (const dir of [home, a?.dataDir, b?.dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`ClaudeLens kill benchmark — ${opts.runs} runs, ${opts.sessions} sessions, ${opts.rate} lines/s; node A SIGKILLed 8 s in, 15 s more load`);
let lost = 0;
let twice = 0;
for (let i = 1; i <= opts.runs; i++) {
  const r = await run();
  lost += r.missing;
  twice += r.twice;
  console.log(
    `run ${i}: ${r.appended.toLocaleString('en-US')} lines (A killed after ${r.killedAfter.toLocaleString('en-US')}); node B's client got ${(r.appended - r.missing).toLocaleString('en-US')}, ` +
      `${r.missing} missing, ${r.twice} twice; commits B published for A from the outbox: ${r.published}`,
  );
}
console.log(lost + twice === 0 ? 'OK: every line reached the client on node B once, across every kill' : `FAIL: ${lost} lines never reached the client on node B, ${twice} reached it twice`);
process.exitCode = lost + twice === 0 ? 0 : 1;
