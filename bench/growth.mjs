// Growth: `claudelens import` beside ccusage on the history at several multiples of its size, in
// one table, to show whether import time stays linear in bytes and peak memory flat as it grows.
import fs from 'node:fs';
import path from 'node:path';
import { ccusageBinary, compareTotals, CORPUS, ensureCorpus, printTable, removeCorpus, ROOT, runCcusage, runOurs, summarise } from './sideBySide.mjs';
import { ageCorpus } from './startup.mjs';

// How far s/GB or peak RSS may drift from the smallest size before the verdict says so.
const TOLERANCE = 1.25;

/** 1x is bench:ingest's own corpus; each larger multiple gets a folder of its own. */
const homeOf = (multiple) => (multiple === 1 ? CORPUS : path.join(ROOT, `.bench/claude-home-x${multiple}`));

/** Alternating runs of both tools on one corpus, then the totals check; the store is removed after. */
async function measureSize({ cli, binary, home, corpus, runs, tmp, label }) {
  const dataDir = path.join(tmp, 'growth-data');
  const ccusageFile = path.join(tmp, 'growth-ccusage.json');
  const ours = [];
  const theirs = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const o = await runOurs(cli, home, dataDir);
      ours.push(o);
      console.log(`  ${label} run ${i} claudelens: ${o.wallS.toFixed(2)} s, peak RSS ${o.peakRssMiB.toFixed(0)} MiB | ${o.summary}`);
      const t = await runCcusage(binary, home, ccusageFile);
      theirs.push(t);
      console.log(`  ${label} run ${i} ccusage:    ${t.wallS.toFixed(2)} s, peak RSS ${t.peakRssMiB.toFixed(0)} MiB`);
    }
    const match = compareTotals(cli, dataDir, ccusageFile);
    return { ours: summarise(ours, corpus), theirs: summarise(theirs, corpus), match };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(ccusageFile, { force: true });
  }
}

function printGrowthTable(rows, runs) {
  console.log(`\ngrowth: median of ${runs} run(s) per size (GB and MB = 10^9 and 10^6 bytes)`);
  printTable(
    ['multiple', 'GB', 'files', 'lines', 'claudelens s', 'MB/s', 'peak RSS MiB', 'ccusage s', 'ccusage RSS MiB', 'ratio', 'totals'],
    rows.map(({ multiple, corpus, ours, theirs, match }) => [
      `${multiple}x`,
      (corpus.bytes / 1e9).toFixed(2),
      String(corpus.files),
      String(corpus.lines),
      ours.wallS.toFixed(2),
      ours.mbPerS.toFixed(1),
      ours.peakRssMiB.toFixed(0),
      theirs.wallS.toFixed(2),
      theirs.peakRssMiB.toFixed(0),
      (ours.wallS / theirs.wallS).toFixed(2),
      match ? 'match' : 'MISMATCH',
    ]),
  );
}

/** Whether seconds per GB and peak RSS stay within TOLERANCE of the smallest size's. */
function printVerdict(rows) {
  if (rows.length < 2) {
    console.log('one size only: nothing to compare growth against');
    return;
  }
  const [first, last] = [rows[0], rows.at(-1)];
  const perGB = (tool, row) => row[tool].wallS / (row.corpus.bytes / 1e9);
  const relative = (tool) => rows.map((row) => perGB(tool, row) / perGB(tool, first));
  const ours = relative('ours');
  const steps = rows.map((row, i) => `${row.multiple}x ${ours[i].toFixed(2)}`).join(', ');
  const theirs = relative('theirs').map((r) => r.toFixed(2)).join(', ');
  const worst = Math.max(...ours);
  const linear = worst <= TOLERANCE ? `linear (every size within ${TOLERANCE}x)` : `NOT linear (${worst.toFixed(2)}x the ${first.multiple}x figure)`;
  console.log(`time: s/GB relative to ${first.multiple}x: ${steps} — ${linear}; ccusage: ${theirs}`);
  const growth = last.ours.peakRssMiB / first.ours.peakRssMiB;
  const flat = growth <= TOLERANCE ? 'flat' : `NOT flat (over ${TOLERANCE}x)`;
  const ccusageGrowth = last.theirs.peakRssMiB / first.theirs.peakRssMiB;
  console.log(
    `memory: peak RSS ${last.ours.peakRssMiB.toFixed(0)} MiB at ${last.multiple}x vs ${first.ours.peakRssMiB.toFixed(0)} MiB at ${first.multiple}x (${growth.toFixed(2)}x) — ${flat}; ccusage ${ccusageGrowth.toFixed(2)}x`,
  );
}

/**
 * Measures each multiple of `copies` in ascending order and prints the table; returns the
 * multiples whose totals differ from ccusage's. Disk: only the 1x corpus and the current one are
 * on disk at a time (unless `keep`), and each size's store is removed after its runs.
 */
export async function benchGrowth({ cli, copies, multiples, runs, keep, tmp }) {
  const binary = ccusageBinary();
  console.log(`\ngrowth: ${multiples.map((m) => `${m}x`).join(', ')} of ${copies} copies, ${runs} run(s) each, alternating with ccusage`);
  const rows = [];
  for (const multiple of multiples) {
    const home = homeOf(multiple);
    try {
      const corpus = ensureCorpus(copies * multiple, home);
      // bench:reports may have built the shared 1x corpus without dating its files.
      if (home === CORPUS) ageCorpus(home);
      const sizes = await measureSize({ cli, binary, home, corpus, runs, tmp, label: `${multiple}x` });
      rows.push({ multiple, corpus, ...sizes });
    } finally {
      if (home !== CORPUS && !keep) removeCorpus(home);
    }
  }
  printGrowthTable(rows, runs);
  printVerdict(rows);
  return rows.filter((r) => !r.match).map((r) => r.multiple);
}
