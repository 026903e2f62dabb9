import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill, type BackfillProgress } from '../src/ingest/backfill.js';
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
