import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StoredFile } from '../repository.js';
import { toStoredFile, type StoredFileRow } from '../sourceRows.js';
import { MIGRATIONS } from './migrations.js';
import { DATABASE_FILE } from './openDatabase.js';
import { STORED_FILES_SQL } from './statements.js';

/**
 * The files the store holds under the claude dirs, read before `serve` opens the store, by the
 * thread that plans its start-up read while the server's modules load (ingest/planWorker.ts).
 * `none` (and why), and the start-up read asks the store itself once it is open, when there is no
 * database yet, it needs a migration first, or it cannot be read here: never a wrong answer, at
 * worst none.
 */
export function storedFilesAhead(dataDir: string, claudeDirs: string[]): { files: StoredFile[] } | { none: string } {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) return { none: 'no database yet' };
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { none: (error as Error).message };
  }
  try {
    const version = db.pragma('user_version', { simple: true });
    if (version !== MIGRATIONS.length) return { none: `schema version ${String(version)}, not ${MIGRATIONS.length}` };
    return { files: (db.prepare(STORED_FILES_SQL).all(JSON.stringify(claudeDirs)) as StoredFileRow[]).map(toStoredFile) };
  } catch (error) {
    return { none: (error as Error).message };
  } finally {
    db.close();
  }
}
