// `claudelens import` and ccusage on the same corpus: building or reusing the corpus, one measured
// run of each tool, and the check that both give the same totals. Shared by ingest.mjs and growth.mjs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The ccusage bin is a node shim that spawns this native binary; running it directly means the
// peak RSS measured is ccusage's own, without the shim's node process.
import { resolveNativeBinary } from 'ccusage/src/cli.js';
import { buildCorpus } from './corpus.mjs';
import { runMeasured } from './measure.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'fixtures/claude-home');
export const CORPUS = path.join(ROOT, '.bench/claude-home');
const TOKEN_FIELDS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens'];

export class BenchError extends Error {}

/** Where the corpus at `home` records its copy count and size. */
const infoFile = (home) => `${home}.json`;

/**
 * Builds the corpus at `home` unless one with the same number of copies is already there; returns
 * its copies, files, bytes and lines. Files are dated by their newest line (see startup.mjs).
 */
export function ensureCorpus(copies, home = CORPUS) {
  const info = fs.existsSync(infoFile(home)) ? JSON.parse(fs.readFileSync(infoFile(home), 'utf8')) : undefined;
  // bench:reports records only the copy count: without the sizes the corpus is rebuilt.
  if (info?.copies === copies && info.lines !== undefined && fs.existsSync(home)) {
    console.log(`corpus: reusing ${path.relative(ROOT, home)} (${copies} copies)`);
    return info;
  }
  console.log(`corpus: building ${path.relative(ROOT, home)} from ${copies} copies of fixtures/claude-home ...`);
  removeCorpus(home);
  const started = performance.now();
  const built = { copies, ...buildCorpus(FIXTURES, home, copies, { aged: true }) };
  fs.writeFileSync(infoFile(home), `${JSON.stringify(built)}\n`);
  console.log(`corpus: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return built;
}

export function removeCorpus(home) {
  fs.rmSync(infoFile(home), { force: true });
  fs.rmSync(home, { recursive: true, force: true });
}

export function checkExit(name, result) {
  if (result.code === 0) return;
  throw new BenchError(`${name} failed (exit ${result.code ?? result.signal}):\n${result.stderr.slice(-2000)}`);
}

/** One `claudelens import` of `home` into a fresh `dataDir`, with the summary line it prints. */
export async function runOurs(cli, home, dataDir) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const result = await runMeasured(process.execPath, [cli, 'import', '--claude-dir', home, '--data-dir', dataDir]);
  checkExit('claudelens import', result);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  const m = /imported (\d+) files, ([\d.]+) MB, (\d+) lines in ([\d.]+) s/.exec(last);
  if (!m) throw new BenchError(`cannot parse the import summary line: ${JSON.stringify(last)}`);
  return { ...result, reported: { files: Number(m[1]), mb: Number(m[2]), lines: Number(m[3]), seconds: Number(m[4]) }, summary: last };
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

export function ccusageBinary() {
  const binary = resolveNativeBinary();
  if (!binary) throw new BenchError('ccusage native binary not found (is @ccusage/ccusage-linux-x64 installed?)');
  ensureExecutable(binary);
  return binary;
}

export async function runCcusage(binary, home, outFile) {
  const env = { ...process.env, CLAUDE_CONFIG_DIR: home };
  const result = await runMeasured(binary, ['session', '--json', '--offline'], { env, stdoutFile: outFile });
  checkExit('ccusage', result);
  return result;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const row of rows) console.log(format(row));
}

/** Medians of a tool's runs on `corpus`. */
export function summarise(runs, corpus) {
  const wallS = median(runs.map((r) => r.wallS));
  return { wallS, mbPerS: corpus.bytes / 1e6 / wallS, linesPerS: corpus.lines / wallS, peakRssMiB: median(runs.map((r) => r.peakRssMiB)) };
}

function sumSessions(sessions) {
  const totals = Object.fromEntries([...TOKEN_FIELDS, 'totalCost'].map((f) => [f, 0]));
  for (const s of sessions) for (const f of Object.keys(totals)) totals[f] += s[f] ?? 0;
  return totals;
}

/** Compares per-field sums over both tools' sessions; returns true when they match. */
export function compareTotals(cli, dataDir, ccusageFile) {
  const ours = JSON.parse(execFileSync(process.execPath, [cli, 'report', 'sessions', '--json', '--data-dir', dataDir], { maxBuffer: 1 << 30 })).sessions;
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
