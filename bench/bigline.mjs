// How long one huge line holds `serve`'s event loop: starts serve on a small live session, appends
// one line of --mb megabytes (a tool result, as the largest real lines are) while a client pings
// /healthz back to back, and prints the slowest ping and the server's own event-loop delay.
// Usage: npm run bench:bigline -- [--mb 50] [--runs 3]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI } from './build.mjs';
import { startServe, stopServe } from './latency.mjs';

const SESSION = randomUUID();
const STORED_TIMEOUT_MS = 60_000;
/** Pings go on this long after the line is stored: the commit and its publishing come after the read. */
const SETTLE_MS = 1000;
const QUIET_MS = 1500;

const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, runs: { type: 'string', default: '3' } } });
const mb = Number(values.mb);
const runs = Number(values.runs);
if (!(mb > 0) || !Number.isInteger(runs) || runs < 1) throw new Error('--mb must be a positive number and --runs a positive integer');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function line(uuid, parentUuid, message, extra = {}) {
  const at = new Date().toISOString();
  return `${JSON.stringify({ parentUuid, isSidechain: false, userType: 'external', cwd: '/tmp/bigline', sessionId: SESSION, version: '2.1.114', type: message.role, message, uuid, timestamp: at, ...extra })}\n`;
}

/** A user line carrying one tool result of about `bytes` bytes, in the message and again in `toolUseResult`, as Claude Code writes it. */
function hugeToolResult(bytes, parentUuid) {
  const output = 'x'.repeat(Math.floor(bytes / 2));
  return line(randomUUID(), parentUuid, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_bench', content: output }] }, { toolUseResult: { stdout: output, stderr: '', interrupted: false } });
}

async function metric(port, name) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${name} `));
  return found ? Number(found.split(' ')[1]) : NaN;
}

async function messageCount(port) {
  const body = await (await fetch(`http://127.0.0.1:${port}/api/v1/sessions/${SESSION}`)).json();
  return body.messageCount ?? 0;
}

/** Pings /healthz one after another until `stop()`; returns the slowest answer's time in ms and the count. */
function pingLoop(port) {
  let running = true;
  let max = 0;
  let count = 0;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      await (await fetch(`http://127.0.0.1:${port}/healthz`)).arrayBuffer();
      max = Math.max(max, performance.now() - started);
      count++;
    }
  })();
  return async () => {
    running = false;
    await done;
    return { max, count };
  };
}

async function once(run) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bigline-'));
  try {
    const project = path.join(tmp, 'claude', 'projects', '-tmp-bigline');
    fs.mkdirSync(project, { recursive: true });
    const file = path.join(project, `${SESSION}.jsonl`);
    const first = randomUUID();
    fs.writeFileSync(file, line(first, null, { role: 'user', content: 'start' }));
    // Bytes ready beforehand, written off this thread: the pings measure the server, not this process.
    const huge = Buffer.from(hugeToolResult(mb * 1024 * 1024, first));
    const { child, port } = await startServe(CLI, { claudeDir: path.join(tmp, 'claude'), dataDir: path.join(tmp, 'data'), logFile: path.join(tmp, 'serve.log') });
    try {
      await sleep(500); // start-up's own delays stay out of the figures below
      // The same pings for a while with nothing appended: what this machine's load alone costs.
      const stopQuiet = pingLoop(port);
      await sleep(QUIET_MS);
      const quiet = await stopQuiet();
      const before = await metric(port, 'claudelens_event_loop_delay_max_ms');
      const stopPings = pingLoop(port);
      await sleep(200);
      const appended = performance.now();
      await fs.promises.appendFile(file, huge);
      const deadline = Date.now() + STORED_TIMEOUT_MS;
      while ((await messageCount(port)) < 2) {
        if (Date.now() > deadline) throw new Error(`the line was not stored within ${STORED_TIMEOUT_MS / 1000} s; log: ${path.join(tmp, 'serve.log')}`);
        await sleep(20);
      }
      const storedMs = performance.now() - appended;
      await sleep(SETTLE_MS);
      const pings = await stopPings();
      const after = await metric(port, 'claudelens_event_loop_delay_max_ms');
      const rss = await metric(port, 'claudelens_process_resident_memory_bytes');
      console.log(
        `run ${run}: line of ${(huge.length / 1048576).toFixed(1)} MiB stored after ${storedMs.toFixed(0)} ms; ` +
          `slowest /healthz ${pings.max.toFixed(1)} ms (${pings.count} pings; ${quiet.max.toFixed(1)} ms in ${QUIET_MS / 1000} s without it); ` +
          // The server's figure is its longest delay since it started: it tells about the line only when it grew.
          `server event-loop delay max ${after > before ? `${after.toFixed(1)} ms` : `at most ${before.toFixed(1)} ms (no longer than before the append)`}; RSS ${(rss / 1048576).toFixed(0)} MiB`,
      );
      return { ping: pings.max, quiet: quiet.max, loop: after > before ? after : null };
    } finally {
      await stopServe(child);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const results = [];
for (let run = 1; run <= runs; run++) results.push(await once(run));
const worst = (key) => {
  const values = results.map((r) => r[key]).filter((v) => v !== null);
  return values.length > 0 ? `${Math.max(...values).toFixed(1)} ms` : 'n/a';
};
console.log(`worst of ${runs}: slowest /healthz ${worst('ping')} (${worst('quiet')} without the line), server event-loop delay max ${worst('loop')} (target: under 100 ms)`);
