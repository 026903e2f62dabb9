// Report benchmark: `claudelens report daily|weekly|monthly|blocks --json` (answered from the
// store) beside ccusage 20.0.24 on the same transcripts (it re-reads every file each time), with
// a check that both give the same totals. Figures and the machine they came from: docs/usage.md.
// Usage: npm run bench:reports -- [--copies N] [--runs N]
//   --copies 40 (default): the ~550 MB history of bench:ingest (.bench/claude-home, built or reused)
//   --copies 0: the fixture corpus itself (a smoke run)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveNativeBinary } from 'ccusage/src/cli.js';
import { CLI, ensureBuilt } from './build.mjs';
import { buildCorpus } from './corpus.mjs';
import { runMeasured } from './measure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'fixtures/claude-home');
const REPORTS = ['daily', 'weekly', 'monthly', 'blocks'];
const TOKENS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens'];

function options() {
  const { values } = parseArgs({ options: { copies: { type: 'string', default: '40' }, runs: { type: 'string', default: '3' } } });
  const number = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${values[name]}`);
    return n;
  };
  return { copies: number('copies', 0), runs: number('runs', 1) };
}

/** The claude dir to report on: the fixtures, or bench:ingest's corpus (reused when it has as many copies). */
function corpusOf(copies) {
  if (copies === 0) return FIXTURES;
  const corpus = path.join(ROOT, '.bench/claude-home');
  const infoFile = path.join(ROOT, '.bench/claude-home.json');
  const info = fs.existsSync(infoFile) ? JSON.parse(fs.readFileSync(infoFile, 'utf8')) : undefined;
  if (info?.copies !== copies || !fs.existsSync(corpus)) {
    console.log(`corpus: building .bench/claude-home from ${copies} copies of the fixtures ...`);
    fs.rmSync(corpus, { recursive: true, force: true });
    buildCorpus(FIXTURES, corpus, copies);
    fs.writeFileSync(infoFile, `${JSON.stringify({ copies })}\n`);
  }
  return corpus;
}

async function measured(command, args, env) {
  const result = await runMeasured(command, args, { env });
  if (result.code !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${result.code ?? result.signal}):\n${result.stderr.slice(-2000)}`);
  return result;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Token totals of a report's JSON, and its cost (blocks: summed over the blocks). */
function totalsOf(report, json) {
  if (report !== 'blocks') return { ...Object.fromEntries(TOKENS.map((k) => [k, json.totals[k]])), cost: json.totals.totalCost };
  const sum = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0 };
  for (const b of json.blocks) {
    sum.inputTokens += b.tokenCounts.inputTokens;
    sum.outputTokens += b.tokenCounts.outputTokens;
    sum.cacheCreationTokens += b.tokenCounts.cacheCreationInputTokens;
    sum.cacheReadTokens += b.tokenCounts.cacheReadInputTokens;
    sum.cost += b.costUSD;
  }
  return sum;
}

async function main() {
  const { copies, runs } = options();
  ensureBuilt();
  const claudeDir = corpusOf(copies);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-bench-reports-'));
  try {
    const dataDir = path.join(tmp, 'data');
    const imported = await measured(process.execPath, [CLI, 'import', '--claude-dir', claudeDir, '--data-dir', dataDir]);
    console.log(`${imported.stdout.trim().split('\n').at(-1)}  (once; reports then read the store)`);
    const ccusage = resolveNativeBinary();
    const home = path.join(tmp, 'home'); // ccusage 20 also reads other agents' folders under HOME
    fs.mkdirSync(home);
    const ccEnv = { ...process.env, CLAUDE_CONFIG_DIR: claudeDir, HOME: home, NO_COLOR: '1' };
    const rows = [];
    for (const report of REPORTS) {
      const ours = [];
      const theirs = [];
      let same = true;
      for (let run = 0; run < runs; run++) {
        const a = await measured(process.execPath, [CLI, 'report', report, '--json', '--timezone', 'UTC', '--data-dir', dataDir], process.env);
        const b = await measured(ccusage, [report, '--json', '--offline', '--timezone', 'UTC'], ccEnv);
        ours.push(a.wallS);
        theirs.push(b.wallS);
        const [x, y] = [totalsOf(report, JSON.parse(a.stdout)), totalsOf(report, JSON.parse(b.stdout))];
        same &&= TOKENS.every((k) => x[k] === y[k]) && Math.abs(x.cost - y.cost) <= 1e-6 * Math.max(1, copies);
      }
      const [o, c] = [median(ours), median(theirs)];
      rows.push([report, `${o.toFixed(2)} s`, `${c.toFixed(2)} s`, `${(c / o).toFixed(1)}x`, same ? 'yes' : 'NO']);
    }
    const header = ['report', 'claudelens', 'ccusage 20.0.24', 'ccusage / ours', 'same totals'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    console.log(`\n${runs} run(s) each, median wall time (Node start included), ${copies === 0 ? 'fixture corpus' : `${copies} copies of the fixtures`}:`);
    for (const r of [header, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (rows.some((r) => r[4] !== 'yes')) process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
