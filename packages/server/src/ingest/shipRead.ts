import fs from 'node:fs';
import { TAIL_BYTES } from '../store/repository.js';
import { wasReplaced } from './readSource.js';
import { openRegularSync } from './openRegular.js';
import type { ShippedFile } from './shipState.js';

/** Bytes of one local file to send, from `from`; `reset` when the server's copy must start over. */
export interface FilePart {
  from: number;
  bytes: Buffer;
  ino: number;
  reset: boolean;
}

export interface ShippableRead {
  /** The file was truncated or replaced since it was shipped (or was already known to be). */
  reset: boolean;
  /** `idle`: nothing to send now; `later`: a line that fits only in a request of its own. */
  next: FilePart | 'idle' | 'later';
}

/**
 * What of `file` can go in a request with `budget` bytes left: whole lines only, from the
 * acknowledged offset, or from 0 when the file was replaced (readSource's rule, on what was
 * shipped). A complete line longer than a whole request (`alone`) is sent in pieces, never
 * before its newline is written. Throws when the file cannot be read (ENOENT when it is gone).
 */
export function readShippable(file: string, shipped: ShippedFile | undefined, knownReset: boolean, budget: number, alone: boolean): ShippableRead {
  const { fd, stat } = openRegularSync(file); // a FIFO would block the shipper in open()
  try {
    const reset = knownReset || (shipped !== undefined && wasReplaced(fd, shipped, stat.ino, stat.size));
    const from = reset ? 0 : (shipped?.offset ?? 0);
    const part = (bytes: Buffer): ShippableRead => ({ reset, next: { from, bytes, ino: stat.ino, reset } });
    // A reset is sent even without bytes: the server's copy must be set aside all the same.
    const nothing = (): ShippableRead => (reset ? part(Buffer.alloc(0)) : { reset, next: 'idle' });
    const available = stat.size - from;
    if (available <= 0) return nothing();
    const window = readAt(fd, from, Math.min(available, budget));
    const end = window.lastIndexOf(0x0a) + 1;
    if (end > 0) return part(window.subarray(0, end));
    if (window.length === available) return nothing(); // only a line still being written
    if (!alone) return { reset, next: 'later' };
    return newlineAfter(fd, from + window.length, stat.size) ? part(window) : nothing();
  } finally {
    fs.closeSync(fd);
  }
}

/** The tail to remember after `bytes` were acknowledged at `from`, given the tail before them. */
export function tailAfter(before: Buffer, bytes: Buffer): Buffer {
  const joined = bytes.length >= TAIL_BYTES ? bytes : Buffer.concat([before, bytes]);
  return Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_BYTES)));
}

/** The bytes before `offset` in the file now; empty when it is shorter (the next look then finds it replaced). */
export function localTail(file: string, offset: number): Buffer {
  if (offset === 0) return Buffer.alloc(0);
  try {
    const { fd } = openRegularSync(file);
    try {
      const start = Math.max(0, offset - TAIL_BYTES);
      const tail = readAt(fd, start, offset - start);
      return tail.length === offset - start ? tail : Buffer.alloc(0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = fs.readSync(fd, buf, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return buf.subarray(0, read);
}

/** Whether a newline follows `from` before `end`: the long line there is complete. */
function newlineAfter(fd: number, from: number, end: number): boolean {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let position = from; position < end; position += chunk.length) {
    const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, end - position), position);
    if (n === 0) return false;
    if (chunk.subarray(0, n).includes(0x0a)) return true;
  }
  return false;
}
