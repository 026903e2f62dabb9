import fs from 'node:fs';
import fsp from 'node:fs/promises';

/**
 * Opens a transcript for reading only if it is a regular file (a link to one is followed).
 * A FIFO named `*.jsonl` blocked the main thread in open() until a writer came (a live server
 * stopped answering; a backfill never ended); a device or socket is no transcript either. The
 * type is checked before the open (no open at all of something else), the open does not block
 * (O_NONBLOCK: a FIFO swapped in between opens at once) and the type is checked again on the
 * descriptor, which is what is read.
 * `readBefore`: the path was a regular file when last read, so the check before the open is left
 * out (the one on the descriptor stays): the live watcher reads each file at every append, and
 * that stat was 3.5% of serve's CPU at 5000 sessions x 5000 lines/s, though the open then took
 * over most of it, the path's lookup (docs/ingest.md, "Reading under load").
 */
export function openRegularSync(file: string, readBefore = false): { fd: number; stat: fs.Stats } {
  if (!readBefore) assertRegular(file, fs.statSync(file));
  const fd = fs.openSync(file, READ_NONBLOCKING);
  try {
    const stat = fs.fstatSync(fd);
    assertRegular(file, stat);
    return { fd, stat };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** openRegularSync for the async readers (a conversation page's read-back, the remote mirror). */
export async function openRegular(file: string): Promise<fsp.FileHandle> {
  assertRegular(file, await fsp.stat(file));
  const handle = await fsp.open(file, READ_NONBLOCKING);
  try {
    assertRegular(file, await handle.stat());
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The error code of a path that is not a regular file (ours; no errno has this meaning). */
export const NOT_REGULAR = 'ENOTREGULAR';

// O_NONBLOCK is undefined on Windows, which has no FIFOs in the file system.
const READ_NONBLOCKING = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function assertRegular(file: string, stat: fs.Stats): void {
  if (stat.isFile()) return;
  const error: NodeJS.ErrnoException = new Error(`${file} is ${kindOf(stat)}, not a regular file: not read`);
  error.code = NOT_REGULAR;
  throw error;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isDirectory()) return 'a folder';
  return 'not a file';
}
