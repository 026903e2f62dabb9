import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill, type BackfillProgress } from '../src/ingest/backfill.js';
import { projectsDir } from '../src/ingest/discover.js';
import { planFiles } from '../src/ingest/planFiles.js';
import { holdTree } from '../src/ingest/treeWatcher.js';
import { watchTranscripts } from '../src/ingest/watcher.js';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { startServer } from '../src/cli/startServer.js';
import { copyFixtureHome, emptyHome, openContext, REPO_ROOT, tempDir, userLine, waitFor } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function context() {
  const ctx = openContext();
  closers.push(() => ctx.store.close());
  return ctx;
}

describe('start-up read', () => {
  it('reads nothing again on a restart, and only what changed after one', async () => {
    const home = copyFixtureHome();
    const ctx = context();
    const first = await backfill(ctx, [home], { workers: 0 });
    expect(first.lines).toBeGreaterThan(0);

    const progress: BackfillProgress[] = [];
    const again = await backfill(ctx, [home], { workers: 0, onProgress: (p) => progress.push({ ...p }) });
    expect(again).toMatchObject({ files: first.files, lines: 0 });
    expect(progress.at(-1)).toMatchObject({ filesTotal: 0, bytesTotal: 0 });
    // The watcher's start-up rescan reads nothing either.
    let reads = 0;
    const watcher = watchTranscripts(ctx, [home], { onRead: () => reads++, auditEveryMs: 0 });
    await watcher.rescan();
    await watcher.close();
    expect(reads).toBe(0);

    const main = fs.readdirSync(path.join(home, 'projects'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.jsonl') && !f.includes('agent-'));
    const file = path.join(home, 'projects', main as string);
    fs.appendFileSync(file, `${userLine({ sessionId: 'appended', uuid: 'appended-1', text: 'one more' })}\n`);
    const after = await backfill(ctx, [home], { workers: 0, onProgress: (p) => progress.push({ ...p }) });
    expect(progress.at(-1)).toMatchObject({ filesTotal: 1, filesDone: 1 });
    expect(after.lines).toBe(1);
  });

  it('reads the newest files first, a session’s subagent files with it', async () => {
    const { home, projectDir } = emptyHome();
    // Each file has one line that is not JSON: its problem row records when the file was read.
    const files = { old: 'old.jsonl', middle: 'middle.jsonl', new: 'new.jsonl', oldAgent: 'old/subagents/agent-a1.jsonl' };
    const mtimes = { old: 1_000, middle: 2_000, new: 3_000, oldAgent: 4_000 };
    for (const [name, rel] of Object.entries(files)) {
      const file = path.join(projectDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `not json ${name}\n`);
      const at = mtimes[name as keyof typeof mtimes] * 1_000_000;
      fs.utimesSync(file, at / 1000, at / 1000);
    }
    const ctx = context();
    await backfill(ctx, [home], { workers: 0 });
    const { problems } = await ctx.store.health(10);
    // Listed last recorded first: reversed, the order they were read in.
    expect(problems.map((p) => path.relative(projectDir, p.file).split(path.sep).join('/')).reverse()).toEqual([files.oldAgent, files.old, files.new, files.middle]);
  });

  it.each([0, 2])('calls onRecent once the recent files are committed, before the older ones are read (%i workers)', async (workers) => {
    const home = copyFixtureHome();
    const all = fs.readdirSync(path.join(home, 'projects'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'));
    const recentProject = all[0]?.split(path.sep)[0] as string;
    const now = Date.now();
    for (const rel of all) {
      const at = rel.startsWith(`${recentProject}${path.sep}`) ? now / 1000 : now / 1000 - 30 * 86_400;
      fs.utimesSync(path.join(home, 'projects', rel), at, at);
    }
    const ctx = context();
    let seen: { offset: number; size: number; recent: boolean }[] = [];
    // Worker threads run the compiled worker: the built module, as the CLI loads it.
    const run = workers > 0 ? ((await import(pathToFileURL(path.join(REPO_ROOT, 'packages/server/dist/ingest/backfill.js')).href)) as { backfill: typeof backfill }).backfill : backfill;
    await run(ctx, [home], {
      workers,
      storeSpec: workers > 0 ? { kind: 'sqlite', dataDir: ctx.dataDir } : undefined,
      recentSinceMs: now - 3_600_000,
      onRecent: async () => {
        seen = (await ctx.store.storedFiles([home])).map((f) => ({ offset: f.offset, size: f.size, recent: f.relPath.startsWith(`${recentProject}/`) }));
      },
    });
    const recent = seen.filter((f) => f.recent);
    expect(recent.length).toBe(all.filter((rel) => rel.startsWith(`${recentProject}${path.sep}`)).length);
    expect(recent.every((f) => f.offset === f.size && f.size > 0)).toBe(true);
    if (workers === 0) expect(seen.filter((f) => !f.recent).every((f) => f.offset === 0)).toBe(true);
  });

  it('serve started early reads what its plan holds and what its held trees saw after the plan, and counts what the plan counted', async () => {
    const { home, projectDir } = emptyHome();
    const line = (session: string, n: number) => `${userLine({ sessionId: session, uuid: `${session}-${n}`, text: `line ${n}` })}\n`;
    fs.writeFileSync(path.join(projectDir, 'a.jsonl'), line('a', 1));
    const dataDir = tempDir();
    const ctx = openContext(dataDir);
    await backfill(ctx, [home], { workers: 0 });
    fs.appendFileSync(path.join(projectDir, 'a.jsonl'), line('a', 2)); // while serve was stopped: the plan's
    // As serve/earlyStart.ts does it (its planner thread runs compiled code only): watch, then plan.
    const heldTrees = new Map([[home, holdTree(projectsDir(home))]]);
    const plan = await planFiles([home], await ctx.store.storedFiles([home]), 0);
    await ctx.store.close();
    expect(plan.files).toBe(1);
    // After the plan's walk and stats: only the held trees can bring these.
    fs.appendFileSync(path.join(projectDir, 'a.jsonl'), line('a', 3));
    fs.writeFileSync(path.join(projectDir, 'b.jsonl'), line('b', 1));
    const tree = heldTrees.get(home);
    await waitFor(() => (tree && tree.held === 2 ? true : undefined), 5_000, 'both files reported before the watcher takes the tree');

    const early = { heldTrees, plan: Promise.resolve(plan), close: () => heldTrees.forEach((tree) => tree.close()) };
    const server = await startServer({ claudeDirs: [home], dataDir, databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), early });
    closers.push(() => server.close());
    expect(heldTrees.size).toBe(0); // taken over by the watcher
    expect(server.transcripts).toBe(1); // the summary is the plan's: it was used, not made again
    const counts = async () => Object.fromEntries((await server.store.sessions()).map((s) => [s.sessionId, s.messageCount]));
    await waitFor(async () => {
      const c = await counts();
      return c.a === 3 && c.b === 1 ? c : undefined;
    }, 8_000, 'every line, the ones after the plan included');
  });

  it('serve on a store that holds every file goes live without reading one, then tails', async () => {
    const home = copyFixtureHome();
    const dataDir = tempDir();
    const ctx = openContext(dataDir);
    await backfill(ctx, [home], { workers: 0 });
    await ctx.store.close();
    const server = await startServer({ claudeDirs: [home], dataDir, databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live: loadLiveConfig(null) });
    closers.push(() => server.close());
    const reads = async () => Number(/^claudelens_ingest_read_lag_ms_count (\d+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ phase: 'live' });
    expect(await reads()).toBe(0);
    const main = fs.readdirSync(path.join(home, 'projects'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.jsonl') && !f.includes('agent-'));
    fs.appendFileSync(path.join(home, 'projects', main as string), `${userLine({ sessionId: 'appended', uuid: 'appended-1', text: 'one more' })}\n`);
    await waitFor(async () => ((await reads()) >= 1 ? true : undefined), 10_000, 'the appended line read');
  });
});
