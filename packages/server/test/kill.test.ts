// Crash safety of `claudelens import`: the real CLI in a child process, killed with SIGKILL at
// several points, then run again to the end, must leave exactly what one clean import leaves.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { SessionSummary } from '@claudelens/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { CLI, FIXTURE_HOME, REPO_ROOT, runCli, tempDir } from './helpers.js';

/** The fixture corpus copied this many times with renamed ids: about 84 MB, 700 files, 7,000 requests. */
const COPIES = 6;

type BuildCorpus = (sourceHome: string, targetHome: string, copies: number) => { files: number; bytes: number };

/** When to kill: a fixed time after the spawn, or as soon as the store holds more than some requests. */
type KillPoint = { afterMs: number } | { onceRequestsAbove: number };

interface ImportRun {
  /** Killed by the test; false when the import exited on its own first. */
  killed: boolean;
  exitCode: number | null;
  stderr: string;
}

let home: string;
let clean: SessionSummary[];
let totalRequests: number;
const dirs: string[] = [];

function newDataDir(): string {
  const dir = tempDir('claudelens-kill-data-');
  dirs.push(dir);
  return dir;
}

/** Runs `claudelens import` as a child process and SIGKILLs it at `kill` (if it is still running then). */
function runImport(dataDir: string, kill: KillPoint): Promise<ImportRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'import', '--claude-dir', home, '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const running = () => child.exitCode === null && child.signalCode === null;
    const timer =
      'afterMs' in kill
        ? setTimeout(() => running() && child.kill('SIGKILL'), kill.afterMs)
        : setInterval(() => running() && storedRequests(dataDir) > kill.onceRequestsAbove && child.kill('SIGKILL'), 5);
    child.on('error', reject);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      clearInterval(timer);
      resolve({ killed: signal === 'SIGKILL', exitCode, stderr });
    });
  });
}

/** Requests committed so far, read through a read-only connection while the import may be writing. */
function storedRequests(dataDir: string): number {
  const file = path.join(dataDir, 'claudelens.db');
  if (!fs.existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

/** Runs `claudelens import` to the end; it must succeed. */
async function importToEnd(dataDir: string): Promise<void> {
  const result = await runCli(['import', '--claude-dir', home, '--data-dir', dataDir]);
  expect(result.stderr.includes('claudelens:'), result.stderr).toBe(false);
  expect(result.code).toBe(0);
}

/** `claudelens report sessions --json`, sorted by session id. */
async function report(dataDir: string): Promise<SessionSummary[]> {
  const result = await runCli(['report', 'sessions', '--json', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  return bySession((JSON.parse(result.stdout) as { sessions: SessionSummary[] }).sessions);
}

/** What a killed import left behind, read in-process once the child is dead; [] before the store existed. */
async function leftBehind(dataDir: string): Promise<SessionSummary[]> {
  if (!fs.existsSync(path.join(dataDir, 'claudelens.db'))) return [];
  const store = openSqliteStore(dataDir);
  try {
    return bySession(await store.sessions());
  } finally {
    await store.close();
  }
}

function bySession(list: SessionSummary[]): SessionSummary[] {
  return [...list].sort((a, b) => a.sessionId.localeCompare(b.sessionId));
}

/** Deep equality of two sorted reports, with costs (sessions and agents) compared to 1e-9. */
function expectSameReport(actual: SessionSummary[], expected: SessionSummary[]): void {
  const withoutCost = (list: SessionSummary[]) => list.map((s) => ({ ...s, totalCost: 0, agents: s.agents.map((a) => ({ ...a, totalCost: 0 })) }));
  expect(withoutCost(actual)).toEqual(withoutCost(expected));
  actual.forEach((s, i) => {
    const want = expected[i] as SessionSummary;
    expect(Math.abs(s.totalCost - want.totalCost), `cost of ${s.sessionId}`).toBeLessThan(1e-9);
    s.agents.forEach((a, j) => expect(Math.abs(a.totalCost - (want.agents[j]?.totalCost ?? Number.NaN)), `cost of ${s.sessionId}/${a.agentId}`).toBeLessThan(1e-9));
  });
}

/** A killed import may have stored less than a clean one, never more: nothing is counted twice. */
function expectNoMoreThanClean(partial: SessionSummary[]): void {
  const want = new Map(clean.map((s) => [s.sessionId, s]));
  for (const s of partial) {
    const c = want.get(s.sessionId);
    expect(c, `session ${s.sessionId} is not in the clean import`).toBeDefined();
    if (!c) continue;
    for (const key of ['messageCount', 'toolUseCount', 'requests', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens'] as const) {
      expect(s[key], `${key} of ${s.sessionId}`).toBeLessThanOrEqual(c[key]);
    }
    expect(s.totalCost, `cost of ${s.sessionId}`).toBeLessThanOrEqual(c.totalCost + 1e-9);
  }
}

const requestsIn = (list: SessionSummary[]) => list.reduce((sum, s) => sum + s.requests, 0);

beforeAll(async () => {
  const corpus = pathToFileURL(path.join(REPO_ROOT, 'bench', 'corpus.mjs')).href;
  const { buildCorpus } = (await import(corpus)) as { buildCorpus: BuildCorpus };
  home = tempDir('claudelens-kill-home-');
  dirs.push(home);
  buildCorpus(FIXTURE_HOME, home, COPIES);
  const dataDir = newDataDir();
  await importToEnd(dataDir);
  clean = await report(dataDir);
  totalRequests = requestsIn(clean);
  expect(clean.length).toBeGreaterThan(100);
  expect(totalRequests).toBeGreaterThan(1000);
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('claudelens import killed with SIGKILL', () => {
  it.each([50, 150, 400, 800, 1300])('after a SIGKILL %i ms into an import, the next import ends with the same report as one clean import', async (ms) => {
    const dataDir = newDataDir();
    const run = await runImport(dataDir, { afterMs: ms });
    if (ms === 50) expect(run.killed, 'no import finishes within 50 ms').toBe(true);
    if (!run.killed) expect(run.exitCode, run.stderr).toBe(0);
    expectNoMoreThanClean(await leftBehind(dataDir));

    await importToEnd(dataDir);
    expectSameReport(await report(dataDir), clean);
  });

  it('a SIGKILL right after the first requests are committed leaves part of the history, and the next import completes it exactly', async () => {
    const dataDir = newDataDir();
    const run = await runImport(dataDir, { onceRequestsAbove: 0 });
    expect(run.killed, 'the import was killed before it exited on its own').toBe(true);
    const partial = await leftBehind(dataDir);
    expect(requestsIn(partial)).toBeGreaterThan(0);
    expect(requestsIn(partial)).toBeLessThan(totalRequests);
    expectNoMoreThanClean(partial);

    await importToEnd(dataDir);
    expectSameReport(await report(dataDir), clean);
  });

  it('after two SIGKILLs in a row, each once more requests were committed, the next import ends with the same report as one clean import', async () => {
    const dataDir = newDataDir();
    const first = await runImport(dataDir, { onceRequestsAbove: 0 });
    expect(first.killed, 'the first import was killed mid-import').toBe(true);
    const afterFirst = requestsIn(await leftBehind(dataDir));

    const second = await runImport(dataDir, { onceRequestsAbove: afterFirst });
    expect(second.killed, 'the second import was killed mid-import').toBe(true);
    const afterSecond = await leftBehind(dataDir);
    expect(requestsIn(afterSecond)).toBeGreaterThan(afterFirst);
    expectNoMoreThanClean(afterSecond);

    await importToEnd(dataDir);
    expectSameReport(await report(dataDir), clean);
  });

  it('an import into a data dir that is already complete changes nothing', async () => {
    const dataDir = newDataDir();
    await importToEnd(dataDir);
    await importToEnd(dataDir);
    expectSameReport(await report(dataDir), clean);
  });
});
