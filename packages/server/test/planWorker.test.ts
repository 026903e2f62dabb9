// A cold backfill is planned in a thread of its own (planWorker.ts): it must give the plan the
// main thread would have made, newest session first, with the recent ones marked.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Backfill from '../src/ingest/backfill.js';
import { planFiles, relPathAt } from '../src/ingest/planFiles.js';
import type { PlanRequest } from '../src/ingest/planWorker.js';
import { REPO_ROOT, tempDir } from './helpers.js';

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

    const { planInThread } = (await import(built('ingest/backfill.js'))) as typeof Backfill;
    const threaded = await planInThread(request);
    expect(threaded).toEqual(await planFiles(request.claudeDirs, request.stored, request.recentSinceMs));
    // A session's subagent file goes with its main file, at the place of the newest of them.
    const relPaths = Array.from(threaded.paths.ends, (_, i) => relPathAt(threaded.paths, i));
    expect(relPaths).toEqual(['-p1/new.jsonl', '-p1/new/subagents/agent-a1.jsonl', '-p2/mid.jsonl', '-p1/old.jsonl', '-p2/empty.jsonl']);
    expect([...threaded.recents]).toEqual([1, 1, 1, 0, 0]);
    expect([...threaded.sizes]).toEqual(relPaths.map((rel) => (rel.includes('empty') ? 0 : rel.length + 1)));
    expect([threaded.files, threaded.bytes, threaded.dirs]).toEqual([5, threaded.sizes.reduce((a, b) => a + b, 0), [home]]);
  });
});
