import fs from 'node:fs';

export const CHUNK_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export type Chunk =
  /** Whole lines from `offset`; when `atEnd`, the bytes after the last newline are a partial tail. */
  | { kind: 'lines'; buf: Buffer; offset: number; atEnd: boolean }
  /** A line longer than the limit, skipped without being held in memory. `complete` once its newline was seen. */
  | { kind: 'oversized'; offset: number; length: number; complete: boolean };

/**
 * One read buffer per thread, reused by every read: allocating one per file made the kernel
 * map and unmap memory thousands of times in a backfill. A yielded chunk is only valid until
 * the generator is resumed, and anything kept across a yield is copied first.
 */
const shared = Buffer.allocUnsafe(CHUNK_BYTES);

/**
 * Reads [start, end) of a file in chunks that end on a newline. A line longer than
 * `maxLineBytes` is skipped and reported instead of being buffered. Synchronous on purpose:
 * backfill runs it in worker threads, where an awaited read per file costs more than the read,
 * and a live append is a few kilobytes.
 */
export function* readChunks(fd: number, start: number, end: number, maxLineBytes = DEFAULT_MAX_LINE_BYTES): Generator<Chunk> {
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = start;
  let position = start;
  let skipping: { offset: number; length: number } | null = null;
  while (position < end) {
    const want = Math.min(CHUNK_BYTES, end - position);
    const bytesRead = fs.readSync(fd, shared, 0, want, position);
    if (bytesRead === 0) break; // the file shrank under us; the caller notices on its next stat
    position += bytesRead;
    let data: Buffer = shared.subarray(0, bytesRead);
    if (skipping) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        skipping.length += data.length;
        continue;
      }
      skipping.length += nl + 1;
      const skipped = skipping;
      skipping = null;
      carryOffset = skipped.offset + skipped.length;
      data = data.subarray(nl + 1);
      const lines = takeLines(data);
      yield { kind: 'oversized', offset: skipped.offset, length: skipped.length, complete: true };
      data = lines;
    }
    const buf = carry.length > 0 ? Buffer.concat([carry, data]) : data;
    const lastNl = buf.lastIndexOf(10);
    const complete = buf.subarray(0, lastNl + 1);
    const completeOffset = carryOffset;
    carryOffset += lastNl + 1;
    carry = Buffer.from(buf.subarray(lastNl + 1));
    if (carry.length > maxLineBytes) {
      skipping = { offset: carryOffset, length: carry.length };
      carry = Buffer.alloc(0);
    }
    if (complete.length > 0) yield { kind: 'lines', buf: complete, offset: completeOffset, atEnd: false };
  }
  if (skipping) yield { kind: 'oversized', offset: skipping.offset, length: skipping.length, complete: false };
  else yield { kind: 'lines', buf: carry, offset: carryOffset, atEnd: true };
}

/** Copies `data` when it still points into the shared buffer, which the next read overwrites. */
function takeLines(data: Buffer): Buffer {
  return data.buffer === shared.buffer ? Buffer.from(data) : data;
}
