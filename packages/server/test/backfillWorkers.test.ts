import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Backfill from '../src/ingest/backfill.js';
import { FIXTURE_HOME, REPO_ROOT, openContext } from './helpers.js';

// Worker threads run the compiled worker: load the built module, as the CLI does.
const built = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'packages/server/dist', file)).href;

describe('backfill in worker threads', () => {
  it('gives the same sessions as a backfill in this thread', async () => {
    const { backfill } = (await import(built('ingest/backfill.js'))) as typeof Backfill;
    const threaded = openContext();
    const inline = openContext();
    await backfill(threaded, [FIXTURE_HOME], { workers: 2, storeSpec: { kind: 'sqlite', dataDir: threaded.dataDir } });
    await backfill(inline, [FIXTURE_HOME], { workers: 0 });
    const strip = (list: Awaited<ReturnType<typeof inline.store.sessions>>) =>
      list.map((s) => ({ ...s, totalCost: Math.round(s.totalCost * 1e9), agents: s.agents.map((a) => ({ ...a, totalCost: Math.round(a.totalCost * 1e9) })) }));
    expect(strip(await threaded.store.sessions())).toEqual(strip(await inline.store.sessions()));
    await threaded.store.close();
    await inline.store.close();
  });

  it('fails with the worker’s error, not a hang, when a worker cannot open the store', async () => {
    const { backfill } = (await import(built('ingest/backfill.js'))) as typeof Backfill;
    const ctx = openContext();
    const broken = backfill(ctx, [FIXTURE_HOME], { workers: 2, storeSpec: { kind: 'sqlite', dataDir: '/dev/null/claudelens' } });
    await expect(broken).rejects.toThrow(/ENOTDIR|not a directory/);
    await ctx.store.close();
  });
});
