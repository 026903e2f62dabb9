import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPriceBook } from '../config/prices.js';
import type { Store } from '../store/repository.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import { describeFile } from './discover.js';
import { fileQueue } from './fileQueue.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A real store whose reads are logged; the first waits for `open()`, so that calls land during it. */
function gatedStore(store: Store, log: string[]) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started!: () => void;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const gated: Store = {
    ...store,
    async sources(refs) {
      log.push('start');
      if (log.length === 1) {
        started();
        await gate;
      }
      const found = await store.sources(refs);
      log.push('end');
      return found;
    },
  };
  return { store: gated, firstStarted, open };
}

describe('fileQueue', () => {
  it('never overlaps reads of one file, and a call during a read makes exactly one more read that it waits for', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-queue-'));
    dirs.push(home);
    fs.mkdirSync(path.join(home, 'projects', '-p'), { recursive: true });
    fs.writeFileSync(path.join(home, 'projects', '-p', 's.jsonl'), '');
    const log: string[] = [];
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-queue-data-'));
    dirs.push(dataDir);
    const store = openSqliteStore(dataDir);
    const errors: Error[] = [];
    const gated = gatedStore(store, log);
    const queue = fileQueue({ store: gated.store, prices: loadPriceBook(null) }, (error) => errors.push(error));
    const file = describeFile(home, '-p/s.jsonl');

    const first = queue.read(file);
    await gated.firstStarted; // the first read is under way
    const second = queue.read(file);
    const third = queue.read(file);
    expect(third).toBe(second); // both wait for the same next read
    // How many reads had ended when each call resolved.
    const ended = () => log.filter((step) => step === 'end').length;
    const seen: Record<string, number> = {};
    void first.then(() => (seen.first = ended()));
    void second.then(() => (seen.second = ended()));
    gated.open();
    await Promise.all([first, second]);
    await queue.idle();
    expect(seen).toEqual({ first: 1, second: 2 });
    expect(log).toEqual(['start', 'end', 'start', 'end']);
    expect(errors).toEqual([]);
    await store.close();
  });
});
