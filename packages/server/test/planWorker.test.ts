// A cold backfill is planned in a thread of its own (planWorker.ts): it must give the plan the
// main thread would have made, newest session first, with the recent ones marked. A restart of
// serve plans in that thread too, from the stored files it reads itself (cli/serve/earlyStart.ts).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as PlanThread from '../src/ingest/planThread.js';
import { backfill } from '../src/ingest/backfill.js';
import { planFiles, relPathAt } from '../src/ingest/planFiles.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';
import type { PlanRequest } from '../src/ingest/planWorker.js';
import { emptyHome, openContext, REPO_ROOT, tempDir, userLine } from './helpers.js';

// The planner thread runs the compiled worker: load the built module, as the CLI does.
const built = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'packages/server/dist', file)).href;

describe('the backfill planner thread', () => {
  it('plans what planFiles plans in this thread: changed files, newest session first, recent ones marked', async () => {
    const home = tempDir('claudelens-planner-');
    const day = 86_400_000;
    const now = Date.now();
    const files: [string, number][] = [
      ['-p1/old.jsonl', now - 30 * day],
      ['-p1/new.jsonl', now - 1000],
      ['-p1/new/subagents/agent-a1.jsonl', now - 2 * day],
      ['-p2/mid.jsonl', now - 3 * day],
      ['-p2/empty.jsonl', now - 40 * day],
    ];
    for (const [rel, mtime] of files) {
      const file = path.join(home, 'projects', rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, rel.includes('empty') ? '' : `${'x'.repeat(rel.length)}\n`);
      fs.utimesSync(file, mtime / 1000, mtime / 1000);
    }
    fs.writeFileSync(path.join(home, 'projects', '-p2', 'notes.txt'), 'not a transcript');
    const request: PlanRequest = { claudeDirs: [home], stored: [], recentSinceMs: now - 7 * day };

    const { startPlanThread } = (await import(built('ingest/planThread.js'))) as typeof PlanThread;
    const threaded = await startPlanThread(request).plan;
    if (!threaded) throw new Error('the planner had nothing to plan from');
    expect(threaded).toEqual(await planFiles(request.claudeDirs, request.stored, request.recentSinceMs));
    // A session's subagent file goes with its main file, at the place of the newest of them.
    const relPaths = Array.from(threaded.paths.ends, (_, i) => relPathAt(threaded.paths, i));
    expect(relPaths).toEqual(['-p1/new.jsonl', '-p1/new/subagents/agent-a1.jsonl', '-p2/mid.jsonl', '-p1/old.jsonl', '-p2/empty.jsonl']);
    expect([...threaded.recents]).toEqual([1, 1, 1, 0, 0]);
    expect([...threaded.sizes]).toEqual(relPaths.map((rel) => (rel.includes('empty') ? 0 : rel.length + 1)));
    expect([threaded.files, threaded.bytes, threaded.dirs]).toEqual([5, threaded.sizes.reduce((a, b) => a + b, 0), [home]]);
  });

  it('on a restart reads the stored files from the data dir and plans only the changed files; without a stored file, nothing', async () => {
    const { startPlanThread } = (await import(built('ingest/planThread.js'))) as typeof PlanThread;
    const { home, projectDir } = emptyHome();
    for (const id of ['a', 'b']) fs.writeFileSync(path.join(projectDir, `${id}.jsonl`), `${userLine({ sessionId: id, uuid: `${id}-1`, text: 'hi' })}\n`);
    const ctx = openContext();
    await backfill(ctx, [home], { workers: 0 });
    fs.appendFileSync(path.join(projectDir, 'b.jsonl'), `${userLine({ sessionId: 'b', uuid: 'b-2', text: 'more' })}\n`);

    const watching = new Int32Array(new SharedArrayBuffer(4)).fill(1); // the trees are up: walk at once
    const ahead = await startPlanThread({ claudeDirs: [home], dataDir: ctx.dataDir, recentSinceMs: 0, watching: watching.buffer }).plan;
    if (!ahead) throw new Error('no plan from the stored files');
    expect(Array.from(ahead.paths.ends, (_, i) => relPathAt(ahead.paths, i))).toEqual(['-tmp-demo/b.jsonl']);
    expect(ahead).toEqual(await planFiles([home], await ctx.store.storedFiles([home]), 0));
    await ctx.store.close();

    // No database yet, or one that holds no file: a cold start, planned as one.
    expect(await startPlanThread({ claudeDirs: [home], dataDir: tempDir(), recentSinceMs: 0, watching: watching.buffer }).plan).toBeNull();
    const empty = tempDir();
    await openSqliteStore(empty).close();
    expect(await startPlanThread({ claudeDirs: [home], dataDir: empty, recentSinceMs: 0, watching: watching.buffer }).plan).toBeNull();
  });
});
