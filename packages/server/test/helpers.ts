import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadPriceBook } from '../src/config/prices.js';
import type { TranscriptEntry } from '../src/core/entry.js';
import type { TranscriptFile } from '../src/ingest/discover.js';
import { ingestSource, type IngestContext, type SourceRun } from '../src/ingest/ingestSource.js';
import type { AppliedBatch, Store } from '../src/store/repository.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURE_HOME = path.join(REPO_ROOT, 'fixtures', 'claude-home');
export const ORACLE = path.join(REPO_ROOT, 'fixtures', 'oracle', 'sessions-expected.json');
/**
 * The built CLI: integration tests run what a user runs (`npm test` compiles and bundles first), the
 * bundle while it is newer than the last compile (bin/claudelens.js), else the compiled modules.
 */
export const CLI = path.join(REPO_ROOT, 'packages', 'server', 'bin', 'claudelens.js');

const run = promisify(execFile);

/** What a commit of one user line of a session applies (the live engine's input), the session's stored cost being `cost`. */
export function appliedUserLine(sessionId: string, at: number, cost = 0): AppliedBatch {
  const timestamp = new Date(at).toISOString();
  const entry: TranscriptEntry = {
    byteOffset: 0, byteLength: 1, lineNo: 1, lineType: 'user', uuid: `${sessionId}-line`, parentUuid: null, sessionId,
    timestamp, cwd: '/home/me/shop', gitBranch: null, version: null, agentId: '', isSidechain: false, isMeta: false,
    author: 'user', preview: 'go on', toolUses: [], toolResults: [], model: null, request: null, priced: null, isApiError: false,
  };
  return {
    newEntries: [entry],
    requestChanges: [],
    problems: 0,
    sessions: [{
      sessionId, projectPath: '/home/me/shop', firstActivity: timestamp, lastActivity: timestamp, messageCount: 1, toolUseCount: 0,
      requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost,
    }],
  };
}

export function tempDir(prefix = 'claudelens-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh claude dir holding a copy of the fixture corpus, or of the named project folders only. */
export function copyFixtureHome(projects?: string[]): string {
  const home = tempDir('claudelens-home-');
  const from = path.join(FIXTURE_HOME, 'projects');
  const to = path.join(home, 'projects');
  fs.mkdirSync(to, { recursive: true });
  for (const name of projects ?? fs.readdirSync(from)) fs.cpSync(path.join(from, name), path.join(to, name), { recursive: true });
  return home;
}

/** An empty claude dir with one project folder; returns the dir and the folder path. */
export function emptyHome(project = '-tmp-demo'): { home: string; projectDir: string } {
  const home = tempDir('claudelens-home-');
  const projectDir = path.join(home, 'projects', project);
  fs.mkdirSync(projectDir, { recursive: true });
  return { home, projectDir };
}

/** An ingest context whose store a test also reads and closes. */
export type TestContext = IngestContext & { store: Store; dataDir: string };

export function openContext(dataDir = tempDir('claudelens-data-')): TestContext {
  return { store: openSqliteStore(dataDir), prices: loadPriceBook(null), dataDir };
}

/**
 * Reads a file up to its end through the ingest runner, each batch committed on its own with the
 * offset it reaches and handed to `onApplied`: the finest commit grain (backfill and the watcher
 * group batches), so tests see every step a kill could stop at.
 */
export async function ingestEachBatch(ctx: IngestContext, file: TranscriptFile): Promise<SourceRun> {
  const [from] = await ctx.store.sources([file]);
  if (!from) return { lines: 0, problems: 0, rewound: false };
  return ingestSource(ctx.store, file, from, ctx, {
    take: (batch) => ctx.store.applyBatches([batch]).then((applied) => ctx.onApplied?.(applied)),
  });
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface LineOptions {
  sessionId: string;
  uuid: string;
  parentUuid?: string | null;
  timestamp?: string;
  cwd?: string;
}

export function userLine(o: LineOptions & { text: string }): string {
  return JSON.stringify({
    parentUuid: o.parentUuid ?? null,
    isSidechain: false,
    userType: 'external',
    cwd: o.cwd ?? '/tmp/demo',
    sessionId: o.sessionId,
    version: '2.1.114',
    type: 'user',
    message: { role: 'user', content: o.text },
    uuid: o.uuid,
    timestamp: o.timestamp ?? new Date().toISOString(),
  });
}

export function assistantLine(
  o: LineOptions & { messageId: string; requestId: string; model?: string; output?: number; input?: number; text?: string; tool?: string },
): string {
  const content = o.tool ? [{ type: 'tool_use', id: `toolu_${o.uuid.slice(0, 8)}`, name: o.tool, input: {} }] : [{ type: 'text', text: o.text ?? 'ok' }];
  return JSON.stringify({
    parentUuid: o.parentUuid ?? null,
    isSidechain: false,
    userType: 'external',
    cwd: o.cwd ?? '/tmp/demo',
    sessionId: o.sessionId,
    version: '2.1.114',
    type: 'assistant',
    requestId: o.requestId,
    message: {
      id: o.messageId,
      type: 'message',
      role: 'assistant',
      model: o.model ?? 'claude-sonnet-4-5-20250929',
      content,
      stop_reason: null,
      usage: { input_tokens: o.input ?? 10, output_tokens: o.output ?? 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    uuid: o.uuid,
    timestamp: o.timestamp ?? new Date().toISOString(),
  });
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
