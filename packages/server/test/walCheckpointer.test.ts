// serve's WAL checkpoints on a thread of their own (store/sqlite/walCheckpointer.ts), on a real
// database file. The thread exists only in the build, so the checkpointer is taken from dist/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openWritableDatabase, WAL_SIZE_LIMIT_BYTES } from '../src/store/sqlite/openDatabase.js';
import type { walCheckpointer as WalCheckpointerFn } from '../src/store/sqlite/walCheckpointer.js';
import { REPO_ROOT, tempDir, waitFor } from './helpers.js';

const { walCheckpointer } = (await import(pathToFileURL(path.join(REPO_ROOT, 'packages/server/dist/store/sqlite/walCheckpointer.js')).href)) as {
  walCheckpointer: typeof WalCheckpointerFn;
};

const dirs: string[] = [];
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function database(): { db: Database.Database; file: string } {
  const dir = tempDir('claudelens-wal-');
  dirs.push(dir);
  const db = openWritableDatabase(dir);
  open.push(db);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
  return { db, file: path.join(dir, DATABASE_FILE) };
}

/** Commits about `mib` MiB of new pages, well past SQLite's own checkpoint at 1000 pages (4 MiB). */
function fill(db: Database.Database, mib: number): void {
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  const body = Buffer.alloc(3000, 7);
  for (let commit = 0; commit < mib; commit++) db.transaction(() => { for (let i = 0; i < 350; i++) insert.run(body); })();
}

describe('walCheckpointer', () => {
  it("takes the writer's checkpoints out of its commits and copies the WAL into the file on its thread", async () => {
    const { db, file } = database();
    const problems: string[] = [];
    const checkpointer = walCheckpointer(db, (message) => problems.push(message));
    expect(checkpointer).not.toBeNull();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    fill(db, 12);
    // The commits left all of it in the WAL (SQLite's own checkpoint would have copied most of
    // it by now); the thread copies it into the database file.
    await waitFor(() => (fs.statSync(file).size >= 12 * 1024 * 1024 ? true : undefined), 10_000, 'the WAL copied into the database file');
    await waitFor(() => (checkpointer?.stats().checkpoints ? true : undefined), 10_000, 'a checkpoint counted');
    await checkpointer?.stop();
    db.close();
    // The writer was the last connection: closing it checkpointed the rest and removed the WAL.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(problems).toEqual([]);
  });

  it('cuts the WAL file back to its limit when the writer starts it over', async () => {
    const { db, file } = database();
    const checkpointer = walCheckpointer(db, () => {});
    fill(db, 24);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(24 * 1024 * 1024);
    await waitFor(() => (fs.statSync(file).size >= 24 * 1024 * 1024 ? true : undefined), 10_000, 'the WAL copied into the database file');
    const copied = checkpointer?.stats().checkpoints ?? 0;
    await waitFor(() => ((checkpointer?.stats().checkpoints ?? 0) > copied ? true : undefined), 10_000, 'a checkpoint after the copy');
    // The next commit starts the WAL over, and cuts the file to the limit.
    fill(db, 1);
    expect(fs.statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    await checkpointer?.stop();
  });

  it('starts a long WAL over between commits that never stop, so that its file stops growing', async () => {
    const { db, file } = database();
    // 1 MiB of frames is long here; serve's commits come between other work on the event loop.
    const checkpointer = walCheckpointer(db, () => {}, { everyMs: 20, restartAboveFrames: 256 });
    let written = 0;
    // About 10-40 MiB of commits here on a 2-core machine, loaded or not; the cap only ends a run that never restarts.
    while ((checkpointer?.stats().restarts ?? 0) < 2) {
      if (written > 256) throw new Error(`no WAL restart after ${written} MiB of commits`);
      fill(db, 1);
      written++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(written).toBeGreaterThan(1);
    // Started over, the file holds what came since: not what was written in all.
    expect(fs.statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    await checkpointer?.stop();
  });

  it('gives the checkpoints back to the writer, and says so, when its thread fails', async () => {
    const { db, file } = database();
    // The thread opens the file by name: gone, it cannot start (the writer keeps its open file).
    fs.rmSync(file);
    const problems: string[] = [];
    const checkpointer = walCheckpointer(db, (message) => problems.push(message));
    expect(checkpointer).not.toBeNull();
    await waitFor(() => problems[0], 10_000, 'the failure said');
    expect(problems[0]).toMatch(/WAL checkpoint thread stopped/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(checkpointer?.stats().checkpoints).toBe(0);
  });
});
