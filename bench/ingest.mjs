// Ingest benchmark: ClaudeLens `import` vs ccusage on a large renamed copy of the fixture corpus,
// a totals cross-check between the two, and the append-to-stored latency of `serve`.
// Then serve's start-up: a warm restart on the full store, and a cold start's time to a correct today.
// Usage: npm run bench:ingest -- [--copies N] [--runs N] [--spacing-ms MS] [--cli PATH] [--skip-ingest]
// (--cli: another build's dist/cli/main.js, for a before/after; --skip-ingest: start-up figures only)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// The ccusage bin is a node shim that spawns this native binary; running it directly means the
// peak RSS measured is ccusage's own, without the shim's node process.
import { resolveNativeBinary } from 'ccusage/src/cli.js';
import { buildCorpus } from './corpus.mjs';
import { findAssistantLine, measureAppends, STALL_MS, startServe, stopServe } from './latency.mjs';
import { runMeasured } from './measure.mjs';
import { ageCorpus, benchNewestFirst, benchWarmRestart, buildRecentCopy } from './startup.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'fixtures/claude-home');
const CORPUS = path.join(ROOT, '.bench/claude-home');
const CORPUS_INFO = path.join(ROOT, '.bench/claude-home.json');
let CLI = path.join(ROOT, 'packages/server/dist/cli/main.js');
const TOKEN_FIELDS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens'];
const LATENCY_SAMPLES = 300;

class BenchError extends Error {}

function options() {
  const defaults = { copies: '40', runs: '3', 'spacing-ms': '15' };
  const { values } = parseArgs({
    options: { ...Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { type: 'string', default: v }])), cli: { type: 'string' }, 'skip-ingest': { type: 'boolean', default: false } },
  });
  const number = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new BenchError(`--${name} must be an integer >= ${min}, got ${values[name]}`);
    return n;
  };
  return { copies: number('copies', 1), runs: number('runs', 1), spacingMs: number('spacing-ms', 0), cli: values.cli, skipIngest: values['skip-ingest'] };
}

function walkFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walkFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Files, bytes and lines (a last line without "\n" counts too) of the .jsonl files under `home`. */
function corpusStats(home) {
  let files = 0;
  let bytes = 0;
  let lines = 0;
  for (const file of walkFiles(path.join(home, 'projects')).filter((f) => f.endsWith('.jsonl'))) {
    const buf = fs.readFileSync(file);
    files++;
    bytes += buf.length;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
    if (buf.length > 0 && buf[buf.length - 1] !== 10) lines++;
  }
  return { files, bytes, lines };
}

/** Builds the corpus unless one with the same number of copies is already there. */
function ensureCorpus(copies) {
  const info = fs.existsSync(CORPUS_INFO) ? JSON.parse(fs.readFileSync(CORPUS_INFO, 'utf8')) : undefined;
  if (info?.copies === copies && fs.existsSync(CORPUS)) {
    console.log(`corpus: reusing ${path.relative(ROOT, CORPUS)} (${copies} copies)`);
    return info;
  }
  console.log(`corpus: building ${path.relative(ROOT, CORPUS)} from ${copies} copies of fixtures/claude-home ...`);
  fs.rmSync(CORPUS_INFO, { force: true });
  fs.rmSync(CORPUS, { recursive: true, force: true });
  const started = performance.now();
  buildCorpus(FIXTURES, CORPUS, copies);
  const built = { copies, ...corpusStats(CORPUS) };
  fs.writeFileSync(CORPUS_INFO, `${JSON.stringify(built)}\n`);
  console.log(`corpus: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return built;
}

/** tsc -b is incremental: a no-op when dist is current, and it never benchmarks stale code. */
function ensureBuilt() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/protocol', 'packages/server'], { cwd: ROOT, stdio: 'inherit' });
}

function checkExit(name, result) {
  if (result.code === 0) return;
  throw new BenchError(`${name} failed (exit ${result.code ?? result.signal}):\n${result.stderr.slice(-2000)}`);
}

async function runOurs(dataDir) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const result = await runMeasured(process.execPath, [CLI, 'import', '--claude-dir', CORPUS, '--data-dir', dataDir]);
  checkExit('claudelens import', result);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  const m = /imported (\d+) files, ([\d.]+) MB, (\d+) lines in ([\d.]+) s/.exec(last);
  if (!m) throw new BenchError(`cannot parse the import summary line: ${JSON.stringify(last)}`);
  return { ...result, reported: { files: Number(m[1]), mb: Number(m[2]), lines: Number(m[3]), seconds: Number(m[4]) }, summary: last };
}

async function runCcusage(binary, outFile) {
  const env = { ...process.env, CLAUDE_CONFIG_DIR: CORPUS };
  const result = await runMeasured(binary, ['session', '--json', '--offline'], { env, stdoutFile: outFile });
  checkExit('ccusage', result);
  return result;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const row of rows) console.log(format(row));
}

function summarise(runs, corpus) {
  const wallS = median(runs.map((r) => r.wallS));
  return { wallS, mbPerS: corpus.bytes / 1e6 / wallS, linesPerS: corpus.lines / wallS, peakRssMiB: median(runs.map((r) => r.peakRssMiB)) };
}

function sumSessions(sessions) {
  const totals = Object.fromEntries([...TOKEN_FIELDS, 'totalCost'].map((f) => [f, 0]));
  for (const s of sessions) for (const f of Object.keys(totals)) totals[f] += s[f] ?? 0;
  return totals;
}

/** Compares per-field sums over both tools' sessions; returns true when they match. */
function compareTotals(dataDir, ccusageFile) {
  const ours = JSON.parse(execFileSync(process.execPath, [CLI, 'report', 'sessions', '--json', '--data-dir', dataDir], { maxBuffer: 1 << 30 })).sessions;
  const theirsJson = JSON.parse(fs.readFileSync(ccusageFile, 'utf8'));
  // ccusage 20 names the array "session"; older versions called it "sessions"
  const theirs = theirsJson.session ?? theirsJson.sessions;
  if (!Array.isArray(theirs)) throw new BenchError(`unexpected ccusage JSON (keys: ${Object.keys(theirsJson).join(', ')})`);
  const a = sumSessions(ours);
  const b = sumSessions(theirs);
  const costTolerance = 1e-6 * Math.max(ours.length, theirs.length);
  console.log(`\ntotals (sessions: claudelens ${ours.length}, ccusage ${theirs.length}; cost tolerance ${costTolerance.toExponential(1)})`);
  const rows = [...TOKEN_FIELDS, 'totalCost'].map((f) => {
    const ok = f === 'totalCost' ? Math.abs(a[f] - b[f]) <= costTolerance : a[f] === b[f];
    const show = (v) => (f === 'totalCost' ? v.toFixed(6) : String(v));
    return { ok, cells: [f, show(a[f]), show(b[f]), ok ? 'ok' : 'DIFF'] };
  });
  printTable(['field', 'claudelens', 'ccusage', ''], rows.map((r) => r.cells));
  const match = rows.every((r) => r.ok);
  console.log(match ? 'MATCH' : 'MISMATCH');
  return match;
}

/**
 * npm 11 does not run the ccusage package's install script (package.json allowScripts lists only
 * better-sqlite3), and that script is what marks its native binary executable: on a fresh clone
 * the binary comes without the x bit.
 */
function ensureExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    fs.chmodSync(file, 0o755);
  }
}

async function benchIngest(corpus, runs, tmp) {
  const binary = resolveNativeBinary();
  if (!binary) throw new BenchError('ccusage native binary not found (is @ccusage/ccusage-linux-x64 installed?)');
  ensureExecutable(binary);
  const dataDir = path.join(tmp, 'data');
  const ccusageFile = path.join(tmp, 'ccusage.json');
  const ours = [];
  const theirs = [];
  console.log(`\ningest: ${runs} run(s) each, alternating; ccusage run as ${path.relative(ROOT, binary)}`);
  // Alternating spreads machine noise over both tools instead of one.
  for (let i = 1; i <= runs; i++) {
    const o = await runOurs(dataDir);
    ours.push(o);
    console.log(`  run ${i} claudelens: ${o.wallS.toFixed(2)} s, peak RSS ${o.peakRssMiB.toFixed(0)} MiB | ${o.summary}`);
    const t = await runCcusage(binary, ccusageFile);
    theirs.push(t);
    console.log(`  run ${i} ccusage:    ${t.wallS.toFixed(2)} s, peak RSS ${t.peakRssMiB.toFixed(0)} MiB`);
  }
  const reported = ours.at(-1).reported;
  if (reported.files !== corpus.files || reported.lines !== corpus.lines) {
    console.log(`  note: import reported ${reported.files} files / ${reported.lines} lines; the corpus has ${corpus.files} / ${corpus.lines}`);
  }

  const a = summarise(ours, corpus);
  const b = summarise(theirs, corpus);
  console.log(`\nmedian of ${runs} (corpus: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB, ${corpus.lines} lines; MB = 10^6 bytes)`);
  const row = (name, s) => [name, s.wallS.toFixed(2), s.mbPerS.toFixed(1), Math.round(s.linesPerS).toString(), s.peakRssMiB.toFixed(0)];
  printTable(['tool', 'wall s', 'MB/s', 'lines/s', 'peak RSS MiB'], [row('claudelens import', a), row('ccusage session', b)]);
  console.log(`wall time ratio claudelens/ccusage: ${(a.wallS / b.wallS).toFixed(2)}`);
  return compareTotals(dataDir, ccusageFile);
}

/** Returns true when every appended line was stored within STALL_MS. */
async function benchLatency(tmp, spacingMs) {
  const claudeDir = path.join(tmp, 'live-claude');
  const dataDir = path.join(tmp, 'live-data');
  fs.cpSync(FIXTURES, claudeDir, { recursive: true });
  const { file, line } = findAssistantLine(claudeDir);
  console.log(`\nappend latency: serve on a copy of fixtures/claude-home, appending to ${path.relative(claudeDir, file)}`);
  const { child, port } = await startServe(CLI, { claudeDir, dataDir, logFile: path.join(tmp, 'serve.log') });
  try {
    console.log(`  serve live on port ${port}; ${LATENCY_SAMPLES} appends, ${spacingMs} ms after each line is stored`);
    const dbFile = path.join(dataDir, 'claudelens.db');
    const { latencies: ms, attempted, stalls } = await measureAppends({ dbFile, file, template: line, samples: LATENCY_SAMPLES, spacingMs });
    const f = (v) => v.toFixed(2);
    if (ms.length > 0) {
      console.log(`  append -> stored (ms): p50 ${f(percentile(ms, 50))}  p95 ${f(percentile(ms, 95))}  p99 ${f(percentile(ms, 99))}  max ${f(Math.max(...ms))}  (n=${ms.length})`);
    }
    if (stalls.length === 0) return true;
    const stopped = attempted < LATENCY_SAMPLES ? `; stopped after ${attempted} of ${LATENCY_SAMPLES} appends` : '';
    console.log(`  STALLED: ${stalls.length} of ${attempted} lines not stored within ${STALL_MS} ms (samples ${stalls.join(', ')})${stopped}`);
    return false;
  } finally {
    await stopServe(child);
  }
}

async function main() {
  const { copies, runs, spacingMs, cli, skipIngest } = options();
  if (cli) CLI = path.resolve(cli);
  else ensureBuilt();
  console.log(`ClaudeLens ingest benchmark — node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  const corpus = ensureCorpus(copies);
  // Each file dated by its newest line, as Claude Code would have left it (newest-first reads by mtime).
  ageCorpus(CORPUS);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-'));
  try {
    const match = skipIngest ? true : await benchIngest(corpus, runs, tmp);
    const dataDir = path.join(tmp, 'data');
    if (skipIngest) checkExit('claudelens import', await runOurs(dataDir));
    await benchWarmRestart(CLI, { claudeDir: CORPUS, dataDir, logFile: path.join(tmp, 'warm.log'), files: corpus.files, runs });
    const recent = path.join(tmp, 'recent-claude');
    buildRecentCopy(FIXTURES, recent, 0xfff0);
    await benchNewestFirst(CLI, { claudeDirs: [CORPUS, recent], dataDir: path.join(tmp, 'cold-data'), logFile: path.join(tmp, 'cold.log') });
    const live = skipIngest ? true : await benchLatency(tmp, spacingMs);
    const failures = [!match && 'totals MISMATCH between claudelens and ccusage', !live && `serve left appended lines unstored for over ${STALL_MS} ms`];
    if (failures.some(Boolean)) throw new BenchError(failures.filter(Boolean).join('; '));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`\nbench:ingest failed: ${error instanceof BenchError ? error.message : error.stack}`);
  process.exitCode = 1;
});
