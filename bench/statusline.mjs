// Status-line benchmark: the wall time of `claudelens statusline` as Claude Code runs it (a new
// node process through bin/claudelens.js, Claude Code's JSON on stdin, until it exits), with the
// server up (it POSTs the limits and waits for the answer) and down (connection refused), beside
// a bare `node -e ""` start. Claude Code runs it after every assistant message.
// Usage: npm run bench:statusline -- [--runs N]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from './build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'packages/server/bin/claudelens.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('bench:statusline: --runs must be a positive integer');
  process.exit(2);
}

compile();

const now = Math.floor(Date.now() / 1000);
const input = JSON.stringify({
  session_id: 'bench-session',
  transcript_path: '/tmp/bench.jsonl',
  model: { id: 'claude-opus-4-6', display_name: 'Opus 4.6' },
  workspace: { current_dir: ROOT, project_dir: ROOT },
  cost: { total_cost_usd: 1.23 },
  context_window: { used_percentage: 42, context_window_size: 200000 },
  rate_limits: { five_hour: { used_percentage: 37, resets_at: now + 7200 }, seven_day: { used_percentage: 12, resets_at: now + 4 * 86400 } },
});

function once(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, out }));
    child.stdin.end(input);
  });
}

async function measure(label, args) {
  const times = [];
  let last;
  await once(args); // warm the file-system cache
  for (let i = 0; i < runs; i++) {
    last = await once(args);
    if (last.code !== 0) throw new Error(`${label}: exit ${last.code}`);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  console.log(`${label.padEnd(34)} p50 ${at(0.5).toFixed(0).padStart(4)} ms   p95 ${at(0.95).toFixed(0).padStart(4)} ms   max ${times.at(-1).toFixed(0).padStart(4)} ms`);
  return last.out.trim();
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-statusline-'));
fs.mkdirSync(path.join(work, 'claude', 'projects'), { recursive: true });
const port = await freePort();
const server = spawn(process.execPath, [BIN, 'serve', '--claude-dir', path.join(work, 'claude'), '--data-dir', path.join(work, 'data'), '--port', String(port)], { stdio: 'ignore' });
try {
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/healthz`).then((r) => r.json()).then((b) => b.phase === 'live').catch(() => false);
    if (up) break;
    if (i > 300) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`claudelens statusline, ${runs} runs each (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)})`);
  await measure('node -e "" (Node start alone)', ['-e', '']);
  const up = await measure('statusline, server up', [BIN, 'statusline', '--server', url]);
  const down = await measure('statusline, server down (refused)', [BIN, 'statusline', '--server', `http://127.0.0.1:${await freePort()}`]);
  console.log(`line (up):   ${up}`);
  console.log(`line (down): ${down}`);
} finally {
  server.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}
