// A live read that waits in the middle (a long line lets the event loop run between its reads, or
// its chunk is parsed in another thread) must still never commit a later batch without an
// earlier one: the lines before the wait go into a group that may be committed meanwhile.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFile } from '../src/ingest/discover.js';
import { groupCommits } from '../src/ingest/groupCommits.js';
import type { Store } from '../src/store/repository.js';
import { emptyHome, openContext, userLine } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a read that waits on a long line', () => {
  it('fails whole when the commit before the wait fails, and the next read stores every line', async () => {
    const { home, projectDir } = emptyHome();
    const ctx = openContext();
    cleanups.push(async () => {
      await ctx.store.close();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    });
    let failNext = true;
    const store: Store = {
      ...ctx.store,
      async applyBatches(batches) {
        if (failNext) {
          failNext = false;
          throw new Error('the disk is full, this once');
        }
        return ctx.store.applyBatches(batches);
      },
    };
    const session = 'long-line-1';
    const lines = [
      userLine({ sessionId: session, uuid: 'short', text: 'before', timestamp: '2026-12-01T00:00:00.000Z' }),
      userLine({ sessionId: session, uuid: 'long', text: 'x'.repeat(9 * 1024 * 1024), timestamp: '2026-12-01T00:00:01.000Z' }),
    ];
    fs.writeFileSync(path.join(projectDir, `${session}.jsonl`), lines.map((l) => `${l}\n`).join(''));
    const file = describeFile(home, `-tmp-demo/${session}.jsonl`);
    const reads = groupCommits({ ...ctx, store }, { remember: false });

    await expect(reads.read(file)).rejects.toThrow('the disk is full');
    const [after] = await ctx.store.sources([file]);
    expect(after?.offset).toBe(0); // the long line was not committed without the short one
    expect((await ctx.store.messages(session, { limit: 10 })).length).toBe(0);

    await reads.read(file);
    expect((await ctx.store.messages(session, { limit: 10 })).map((m) => m.uuid)).toEqual(['short', 'long']);
  });
});
