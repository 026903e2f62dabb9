import fs from 'node:fs';
import type { StoredFile } from '../store/repository.js';
import { absPathOf, type FileRef } from './discover.js';

export interface StatedFile {
  file: FileRef;
  /** 0 when the file could not be stat'ed: it is read, and its read reports why. */
  size: number;
  mtimeMs: number;
}

/**
 * The files that may hold lines not stored yet, with their size and mtime: `storedFiles` is what
 * the store holds under the claude dirs (one query, IngestStore.storedFiles), then one stat per
 * file. A file whose inode, size and mtime are the ones recorded with its last committed read is
 * not read again: a restart of a server holding the whole history reads nothing. `bytes`: the
 * size of all the files.
 */
export function changedFiles(storedFiles: StoredFile[], files: FileRef[]): { changed: StatedFile[]; bytes: number } {
  const stored = new Map<string, StoredFile>();
  for (const s of storedFiles) stored.set(key(s.claudeDir, s.relPath), s);
  const changed: StatedFile[] = [];
  let bytes = 0;
  for (const file of files) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(absPathOf(file));
    } catch {
      changed.push({ file, size: 0, mtimeMs: 0 });
      continue;
    }
    bytes += stat.size;
    const known = stored.get(key(file.claudeDir, file.relPath));
    if (known && isUnchanged(known, stat)) continue;
    changed.push({ file, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  return { changed, bytes };
}

/**
 * Each batch records the stat its read started with. Read to the end (the offset is that size)
 * and the same inode, size and mtime now: nothing was appended or rewritten since. A read killed
 * part-way stored an offset short of the size, and a last line without its newline is not
 * consumed: both are read again, from the offset.
 */
export function isUnchanged(known: StoredFile, stat: { ino: number; size: number; mtimeMs: number }): boolean {
  return known.ino !== 0 && known.offset === stat.size && known.ino === stat.ino && known.size === stat.size && known.mtimeMs === stat.mtimeMs;
}

const key = (claudeDir: string, relPath: string): string => `${claudeDir}\u0000${relPath}`;
