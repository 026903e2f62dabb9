// Ingest benchmark: ClaudeLens `import` vs ccusage on a large renamed copy of the fixture corpus,
// a totals cross-check between the two, and the append-to-stored latency of `serve`.
// Then serve's start-up: a warm restart on the full store, and a cold start's time to a correct today.
// Usage: npm run bench:ingest -- [--copies N] [--runs N] [--spacing-ms MS] [--cli PATH] [--skip-ingest]
//                                [--growth 1,4,16 [--keep]]
// (--cli: another build's packages/server/bin/claudelens.js, or its dist/cli/main.js to run the
// same program unbundled, for a before/after; --skip-ingest: start-up figures only;
// --growth: instead of all the above, the import beside ccusage at those multiples of --copies, in
// one table (growth.mjs); --keep: leave the corpora larger than 1x in .bench/ for the next run)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI as BUILT_CLI, ensureBuilt } from './build.mjs';
import { MAX_COPIES } from './corpus.mjs';
import { benchGrowth } from './growth.mjs';
import { findAssistantLine, measureAppends, STALL_MS, startServe, stopServe } from './latency.mjs';
import {
  BenchError,
  ccusageBinary,
  checkExit,
  compareTotals,
  CORPUS,
  ensureCorpus,
  FIXTURES,
  printTable,
  ROOT,
  runCcusage,
  runOurs,
  summarise,
} from './sideBySide.mjs';
import { ageCorpus, benchNewestFirst, benchWarmRestart, buildRecentCopy } from './startup.mjs';

let CLI = BUILT_CLI;
const LATENCY_SAMPLES = 300;

function options() {
  const defaults = { copies: '40', runs: '3', 'spacing-ms': '15' };
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { type: 'string', default: v }])),
      cli: { type: 'string' },
      'skip-ingest': { type: 'boolean', default: false },
      growth: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const number = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new BenchError(`--${name} must be an integer >= ${min}, got ${values[name]}`);
    return n;
  };
  const copies = number('copies', 1);
  const growth = values.growth === undefined ? undefined : multiples(values.growth, copies);
  return { copies, runs: number('runs', 1), spacingMs: number('spacing-ms', 0), cli: values.cli, skipIngest: values['skip-ingest'], growth, keep: values.keep };
}

/** "1,4,16" as distinct multiples in ascending order. */
function multiples(list, copies) {
  const values = [...new Set(list.split(',').map((v) => Number(v.trim())))].sort((a, b) => a - b);
  if (values.length === 0 || values.some((m) => !Number.isInteger(m) || m < 1)) throw new BenchError(`--growth must list integers >= 1, got ${list}`);
  if (copies * values.at(-1) > MAX_COPIES) throw new BenchError(`--copies x the largest multiple must be at most ${MAX_COPIES}`);
  return values;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function benchIngest(corpus, runs, tmp) {
  const binary = ccusageBinary();
  const dataDir = path.join(tmp, 'data');
  const ccusageFile = path.join(tmp, 'ccusage.json');
  const ours = [];
  const theirs = [];
  console.log(`\ningest: ${runs} run(s) each, alternating; ccusage run as ${path.relative(ROOT, binary)}`);
  // Alternating spreads machine noise over both tools instead of one.
  for (let i = 1; i <= runs; i++) {
    const o = await runOurs(CLI, CORPUS, dataDir);
    ours.push(o);
    console.log(`  run ${i} claudelens: ${o.wallS.toFixed(2)} s, peak RSS ${o.peakRssMiB.toFixed(0)} MiB | ${o.summary}`);
    const t = await runCcusage(binary, CORPUS, ccusageFile);
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
  return compareTotals(CLI, dataDir, ccusageFile);
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
  const { copies, runs, spacingMs, cli, skipIngest, growth, keep } = options();
  if (cli) CLI = path.resolve(cli);
  else ensureBuilt();
  console.log(`ClaudeLens ingest benchmark — node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  if (growth) return mainGrowth({ copies, runs, growth, keep });
  const corpus = ensureCorpus(copies);
  // Each file dated by its newest line, as Claude Code would have left it (newest-first reads by mtime).
  ageCorpus(CORPUS);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-'));
  try {
    const match = skipIngest ? true : await benchIngest(corpus, runs, tmp);
    const dataDir = path.join(tmp, 'data');
    if (skipIngest) checkExit('claudelens import', await runOurs(CLI, CORPUS, dataDir));
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

async function mainGrowth({ copies, runs, growth, keep }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-'));
  try {
    const mismatched = await benchGrowth({ cli: CLI, copies, multiples: growth, runs, keep, tmp });
    if (mismatched.length > 0) throw new BenchError(`totals MISMATCH between claudelens and ccusage at ${mismatched.map((m) => `${m}x`).join(', ')}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`\nbench:ingest failed: ${error instanceof BenchError ? error.message : error.stack}`);
  process.exitCode = 1;
});
