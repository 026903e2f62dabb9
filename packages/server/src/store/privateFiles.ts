import fs from 'node:fs';

/** The data folder and the files in it hold every prompt, tool output and path: their owner's only. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (0700 where it creates it; an existing folder keeps its mode, it may be shared)
 * and `file` in it as 0600 before a database opens it: SQLite gives its -wal and -shm files the
 * database file's mode. Files an older version left readable to others are narrowed too.
 */
export function preparePrivateFile(dir: string, file: string, companions: string[] = []): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const each of [file, ...companions]) {
    try {
      if ((fs.statSync(each).mode & 0o077) !== 0) fs.chmodSync(each, PRIVATE_FILE_MODE);
    } catch {
      // Missing (no -wal yet) or not ours to change: SQLite opens it or says why.
    }
  }
}
