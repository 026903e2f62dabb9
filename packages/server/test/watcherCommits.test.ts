// How the live watcher commits: one commit at a time, and while one is under way the reads that
// follow gather into the next. A store that takes its time (as PostgreSQL does: every commit
// waits on the network) shows it: the real SQLite store behind a delay.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchTranscripts, type WatchOptions } from '../src/ingest/watcher.js';
import type { Store } from '../src/store/repository.js';
import { emptyHome, openContext, userLine, waitFor } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The store, each commit 40 ms late, counting commits and how many ran at once. */
function slowStore(store: Store) {
  const seen = { commits: 0, batches: 0, running: 0, mostAtOnce: 0 };
  const wrapped: Store = {
    ...store,
    async applyBatches(batches) {
      seen.commits++;
      seen.batches += batches.length;
      seen.running++;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
      try {
        await new Promise((resolve) => setTimeout(resolve, 40));
        return await store.applyBatches(batches);
      } finally {
        seen.running--;
      }
    },
  };
  return { store: wrapped, seen };
}

/** A watcher over a new claude dir and data dir, its store wrapped by `wrap`; all gone after the test. */
async function watching(wrap: (store: Store) => Store, options: WatchOptions = {}) {
  const { home, projectDir } = emptyHome();
  const opened = openContext();
  const errors: Error[] = [];
  const watcher = watchTranscripts({ ...opened, store: wrap(opened.store) }, [home], { onError: (e) => errors.push(e), ...options });
  cleanups.push(async () => {
    await watcher.close();
    await opened.store.close();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(opened.dataDir, { recursive: true, force: true });
  });
  await watcher.rescan();
  return { projectDir, opened, watcher, errors };
}

describe('watcher commits', () => {
  it('runs one commit at a time, gathering the reads made meanwhile into the next; every line is stored once', async () => {
    let slow!: ReturnType<typeof slowStore>;
    const { projectDir, opened, watcher, errors } = await watching((store) => (slow = slowStore(store)).store);

    // More files than a group holds (256 reads), so that groups close early too.
    const sessions = Array.from({ length: 400 }, () => randomUUID());
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      for (const sessionId of sessions) {
        fs.appendFileSync(path.join(projectDir, `${sessionId}.jsonl`), `${userLine({ sessionId, uuid: randomUUID(), text: `round ${round}` })}\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10)); // appends keep coming while commits run
    }

    await waitFor(
      async () => {
        const counts = await Promise.all(sessions.map(async (id) => (await opened.store.session(id))?.messageCount ?? 0));
        return counts.every((count) => count === rounds) ? true : undefined;
      },
      20_000,
      'every line stored',
    );
    await watcher.idle();
    expect(errors).toEqual([]);
    expect(slow.seen.mostAtOnce).toBe(1);
    // Reads that came while a 40 ms commit ran went into the next one.
    expect(slow.seen.commits).toBeLessThan(slow.seen.batches);
    expect((await opened.store.counts()).lines).toBe(sessions.length * rounds);
  }, 30_000);

  it('with commitSpacingMs, a commit starts that long after the one before, holding the reads made meanwhile; a read after a quiet spell is committed at once', async () => {
    const starts: { at: number; batches: number }[] = [];
    /** The files whose source the store has handed to a read (the read's first step, before its commit). */
    const asked: string[] = [];
    const spacingMs = 500;
    const { projectDir, opened, errors } = await watching(
      (store) => ({
        ...store,
        async sources(refs) {
          const found = await store.sources(refs);
          asked.push(...refs.map((ref) => path.basename(ref.relPath, '.jsonl')));
          return found;
        },
        applyBatches(batches) {
          starts.push({ at: performance.now(), batches: batches.length });
          return store.applyBatches(batches);
        },
      }),
      { commitSpacingMs: spacingMs },
    );
    const append = (sessionId: string) => fs.appendFileSync(path.join(projectDir, `${sessionId}.jsonl`), `${userLine({ sessionId, uuid: randomUUID(), text: 'hi' })}\n`);
    const stored = (ids: string[]) => waitFor(async () => ((await Promise.all(ids.map((id) => opened.store.session(id)))).every(Boolean) ? true : undefined), 10_000, `${ids.length} sessions stored`);

    const [first, second, third, fourth] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const before = starts.length;
    append(first);
    await stored([first]);
    const firstCommit = starts[before] as { at: number };
    // Two reads in separate turns, well within the spacing: both wait, then go in one commit.
    append(second);
    await waitFor(() => asked.includes(second) || undefined, 10_000, 'the second read under way');
    // Its group is ready in the next check phase: a commit without the spacing would start there.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(starts.slice(before)).toHaveLength(1);
    append(third);
    await stored([second, third]);
    expect(starts.slice(before)).toHaveLength(2);
    const together = starts[before + 1] as { at: number; batches: number };
    expect(together.batches).toBe(2);
    expect(together.at - firstCommit.at).toBeGreaterThanOrEqual(spacingMs - 1);

    // Quiet for the spacing since the last commit began: the next read does not wait.
    await new Promise((resolve) => setTimeout(resolve, together.at + spacingMs - performance.now()));
    const appendedAt = performance.now();
    append(fourth);
    await stored([fourth]);
    expect((starts.at(-1) as { at: number }).at - appendedAt).toBeLessThan(spacingMs - 100);
    expect(errors).toEqual([]);
  }, 30_000);
});
