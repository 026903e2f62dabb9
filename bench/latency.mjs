// Append latency of `serve`: time from appending one assistant line to a watched transcript until
// that line is in the SQLite store.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';

const POLL_SLEEP = new Int32Array(new SharedArrayBuffer(4));
/** A line not stored by then counts as stalled; it is only picked up with the next append. */
export const STALL_MS = 1000;
/** Sampling stops after this many stalls: each costs STALL_MS, and a few already prove the point. */
const MAX_STALLS = 20;
const LIVE_TIMEOUT_MS = 60_000;

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Node's own flags `npm start` gives `serve` (the root package.json's start script): the benches
 * measure the server as the README starts it. --max-semi-space-size cannot be set once node runs,
 * so it is there and not in the server (docs/scale-out.md, "Node's young generation").
 */
export const SERVE_NODE_FLAGS = (() => {
  const start = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start.split(/\s+/);
  return start.slice(1, start.findIndex((word) => !word.startsWith('--') && word !== 'node'));
})();

/**
 * Starts `serve` (with `args` appended, SERVE_NODE_FLAGS and node's own `nodeArgs` before the
 * script, in `env`) and resolves once /healthz reports phase "live".
 */
export async function startServe(cli, { claudeDir, dataDir, logFile, args = [], env = process.env, nodeArgs = [] }) {
  const port = await freePort();
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...nodeArgs, cli, 'serve', '--claude-dir', claudeDir, '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', log, log],
    env,
  });
  fs.closeSync(log);
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + LIVE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`serve exited early (${JSON.stringify(exited)}); log: ${logFile}`);
    try {
      const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
      if (health.phase === 'live') return { child, port };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await stopServe(child);
  throw new Error(`serve did not reach phase "live" within ${LIVE_TIMEOUT_MS / 1000} s; log: ${logFile}`);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopServe(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) return;
  child.kill('SIGKILL');
  await exited;
}

/** The first priced assistant line of a main (non-agent) transcript under `claudeDir`, and its file. */
export function findAssistantLine(claudeDir) {
  const projects = path.join(claudeDir, 'projects');
  for (const project of fs.readdirSync(projects).sort()) {
    const dir = path.join(projects, project);
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith('.jsonl') || name.startsWith('agent-')) continue;
      const file = path.join(dir, name);
      for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!text.includes('"assistant"')) continue;
        const line = JSON.parse(text);
        if (line.type === 'assistant' && line.sessionId && line.requestId && line.message?.id && line.message.usage) return { file, line };
      }
    }
  }
  throw new Error(`no assistant line with usage found under ${projects}`);
}

/** The template with fresh ids, so that the store sees a new message and a new request. */
function freshLine(template) {
  const line = structuredClone(template);
  line.uuid = randomUUID();
  line.requestId = `req_bench${randomUUID().replaceAll('-', '')}`;
  line.message.id = `msg_bench${randomUUID().replaceAll('-', '')}`;
  line.timestamp = new Date().toISOString();
  return line;
}

/** Busy-polls the store (0.2 ms sleeps) until the line is there; returns elapsed ms, or undefined after STALL_MS. */
function waitStored(query, sessionId, uuid, started) {
  for (;;) {
    if (query.get(sessionId, uuid)) return performance.now() - started;
    if (performance.now() - started > STALL_MS) return undefined;
    Atomics.wait(POLL_SLEEP, 0, 0, 0.2);
  }
}

/**
 * Appends up to `samples` lines `spacingMs` apart to the transcript.
 * Returns { latencies } (ms, of the stored lines), { attempted } and { stalls } (sample numbers, from 1).
 */
export async function measureAppends({ dbFile, file, template, samples, spacingMs }) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const query = db.prepare('SELECT 1 FROM messages WHERE session_id = ? AND uuid = ?');
    const latencies = [];
    const stalls = [];
    let attempted = 0;
    while (attempted < samples && stalls.length < MAX_STALLS) {
      const line = freshLine(template);
      fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
      const ms = waitStored(query, line.sessionId, line.uuid, performance.now());
      attempted++;
      if (ms === undefined) stalls.push(attempted);
      else latencies.push(ms);
      await sleep(spacingMs);
    }
    return { latencies, attempted, stalls };
  } finally {
    db.close();
  }
}
