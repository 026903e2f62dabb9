// What a backfill holds of a large history: the files' states asked a slice at a time, never one
// object per file, and workers' page caches smaller than a server's (docs/ingest.md, "Memory").
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backfill, SOURCES_PER_QUERY, WORKER_CACHE_BYTES, workerStore } from '../src/ingest/backfill.js';
import { CACHE_BYTES, openWritableDatabase } from '../src/store/sqlite/openDatabase.js';
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

  it('opens the workers\' SQLite connections with a smaller page cache, and PostgreSQL as given', () => {
    const dataDir = tempDir('claudelens-cache-');
    expect(workerStore({ kind: 'sqlite', dataDir })).toEqual({ kind: 'sqlite', dataDir, cacheBytes: WORKER_CACHE_BYTES });
    expect(workerStore({ kind: 'postgres', url: 'postgres://x' })).toEqual({ kind: 'postgres', url: 'postgres://x' });
    expect(workerStore(undefined)).toBeUndefined();
    const worker = openWritableDatabase(dataDir, null, WORKER_CACHE_BYTES);
    const server = openWritableDatabase(dataDir);
    expect([worker.pragma('cache_size', { simple: true }), server.pragma('cache_size', { simple: true })]).toEqual([-WORKER_CACHE_BYTES / 1024, -CACHE_BYTES / 1024]);
    expect(WORKER_CACHE_BYTES).toBeLessThan(CACHE_BYTES);
    worker.close();
    server.close();
  });
});
