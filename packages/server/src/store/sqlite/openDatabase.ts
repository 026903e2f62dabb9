import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { preparePrivateFile } from '../privateFiles.js';
import { MIGRATIONS } from './migrations.js';

export const DATABASE_FILE = 'claudelens.db';
/**
 * SQLite's default, 4 KiB (only a new database takes it): every live commit rewrites the pages its
 * lines touch, a few per line, so larger pages multiplied what `serve` writes to disk for what is
 * appended; a cold import pays a little for it (figures: docs/ingest.md, "Backfill speed").
 */
export const PAGE_SIZE = 4096;

/**
 * The WAL file is cut back to this size when the writer starts it over: without a limit it keeps
 * the size of its longest run, which under steady load was gigabytes (walCheckpointer.ts).
 */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** A connection's page cache unless it is given one: serve's writer, the API's reads, an import's main thread. */
export const CACHE_BYTES = 16 * 1024 * 1024;

/**
 * The database a writer uses: created and migrated as needed. With `maxBytes`, this connection lets
 * the file grow to about that size (PRAGMA max_page_count): past it a write fails with SQLITE_FULL.
 * `cacheBytes`: its page cache (CACHE_BYTES unless given).
 */
export function openWritableDatabase(dataDir: string, maxBytes?: number | null, cacheBytes = CACHE_BYTES): Database.Database {
  const file = path.join(dataDir, DATABASE_FILE);
  preparePrivateFile(dataDir, file, [`${file}-wal`, `${file}-shm`]);
  const db = new Database(file);
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across a killed process in WAL mode; only an OS crash can lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.pragma(`cache_size = -${Math.max(1, Math.round(cacheBytes / 1024))}`); // negative: KiB
  if (maxBytes) db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / (db.pragma('page_size', { simple: true }) as number)))}`);
  migrate(db);
  return db;
}

/**
 * The database a report reads from a data dir it may not write to: never created, never migrated.
 * NOTE: SQLite cannot open a WAL database read-only in a folder where it may not create the
 * `-shm` file (SQLITE_READONLY_DIRECTORY) unless a writer left one there; then it reads a copy
 * of the file in memory, which is what a report would have read anyway. The copy's header says
 * "rollback journal" (bytes 18-19 = 1): an in-memory database cannot be in WAL mode.
 */
export function openReadOnlyDatabase(dataDir: string): Database.Database {
  const file = path.join(dataDir, DATABASE_FILE);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_CANTOPEN') throw error;
    const copy = fs.readFileSync(file);
    copy[18] = 1;
    copy[19] = 1;
    db = new Database(copy, { readonly: true });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < MIGRATIONS.length) {
    db.close();
    throw new Error(`the database in ${dataDir} is from an older ClaudeLens and this data dir is read-only: run claudelens import once with write access to upgrade it`);
  }
  return db;
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}
