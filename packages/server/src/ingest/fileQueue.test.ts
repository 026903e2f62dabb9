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

/** A real store whose reads are counted and slowed down, so that calls land during a read. */
function slowStore(store: Store, log: string[]): Store {
  return {
    ...store,
    async sources(refs) {
      log.push('start');
      await new Promise((resolve) => setTimeout(resolve, 30));
      const found = await store.sources(refs);
      log.push('end');
      return found;
    },
  };
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
    const queue = fileQueue({ store: slowStore(store, log), prices: loadPriceBook(null) }, (error) => errors.push(error));
    const file = describeFile(home, '-p/s.jsonl');

    const first = queue.read(file);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first read is under way
    const second = queue.read(file);
    const third = queue.read(file);
    expect(third).toBe(second); // both wait for the same next read
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await first;
    expect(secondDone).toBe(false);
    await second;
    await queue.idle();
    expect(log).toEqual(['start', 'end', 'start', 'end']);
    expect(errors).toEqual([]);
    await store.close();
  });
});
