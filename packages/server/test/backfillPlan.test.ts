// What a backfill asks of the store before it reads: the files' states, a slice at a time, so
// that a large history is never held as one object per file (docs/ingest.md, "Memory").
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backfill, SOURCES_PER_QUERY } from '../src/ingest/backfill.js';
import type { Store } from '../src/store/repository.js';
import { openContext, tempDir } from './helpers.js';

describe('backfill planning', () => {
  it('asks for the states of the files a slice at a time, and reads every file', async () => {
    const home = tempDir('claudelens-plan-');
    const files = SOURCES_PER_QUERY + 3;
    for (let i = 0; i < files; i++) {
      const dir = path.join(home, 'projects', `-p${i % 7}`);
      fs.mkdirSync(dir, { recursive: true });
      const line = JSON.stringify({ type: 'user', sessionId: `s-${i}`, uuid: `u-${i}`, timestamp: '2026-01-01T00:00:00.000Z', message: { role: 'user', content: `hello ${i}` } });
      fs.writeFileSync(path.join(dir, `s-${i}.jsonl`), `${line}\n`);
    }
    const ctx = openContext();
    const asked: number[] = [];
    const store: Store = Object.create(ctx.store, {
      sources: { value: (refs: Parameters<Store['sources']>[0]) => (asked.push(refs.length), ctx.store.sources(refs)) },
    });
    const summary = await backfill({ ...ctx, store }, [home], { workers: 0 });
    expect(asked).toEqual([SOURCES_PER_QUERY, 3]);
    expect([summary.files, summary.lines]).toEqual([files, files]);
    const stored = await ctx.store.storedFiles([home]);
    expect(stored).toHaveLength(files);
    expect(stored.every((s) => s.offset > 0 && s.offset === s.size)).toBe(true);
    expect((await ctx.store.sessions()).length).toBe(files);
    await ctx.store.close();
  });
});
