import type { FileHandle } from 'node:fs/promises';

export const CHUNK_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export type Chunk =
  /** Whole lines from `offset`; when `atEnd`, the bytes after the last newline are a partial tail. */
  | { kind: 'lines'; buf: Buffer; offset: number; atEnd: boolean }
  /** A line longer than the limit, skipped without being held in memory. `complete` once its newline was seen. */
  | { kind: 'oversized'; offset: number; length: number; complete: boolean };

/**
 * Reads [start, end) of a file in chunks that end on a newline. A line longer than
 * `maxLineBytes` is skipped and reported instead of being buffered.
 */
export async function* readChunks(handle: FileHandle, start: number, end: number, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<Chunk> {
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = start;
  let position = start;
  let skipping: { offset: number; length: number } | null = null;
  while (position < end) {
    const want = Math.min(CHUNK_BYTES, end - position);
    const fresh = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(fresh, 0, want, position);
    if (bytesRead === 0) break; // the file shrank under us; the caller notices on its next stat
    position += bytesRead;
    let data = fresh.subarray(0, bytesRead);
    if (skipping) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        skipping.length += data.length;
        continue;
      }
      skipping.length += nl + 1;
      yield { kind: 'oversized', offset: skipping.offset, length: skipping.length, complete: true };
      carryOffset = skipping.offset + skipping.length;
      skipping = null;
      data = data.subarray(nl + 1);
      carry = Buffer.alloc(0);
    }
    const buf = carry.length > 0 ? Buffer.concat([carry, data]) : data;
    const lastNl = buf.lastIndexOf(10);
    if (lastNl >= 0) {
      yield { kind: 'lines', buf: buf.subarray(0, lastNl + 1), offset: carryOffset, atEnd: false };
      carryOffset += lastNl + 1;
      carry = Buffer.from(buf.subarray(lastNl + 1));
    } else {
      carry = buf;
    }
    if (carry.length > maxLineBytes) {
      skipping = { offset: carryOffset, length: carry.length };
      carry = Buffer.alloc(0);
    }
  }
  if (skipping) yield { kind: 'oversized', offset: skipping.offset, length: skipping.length, complete: false };
  else yield { kind: 'lines', buf: carry, offset: carryOffset, atEnd: true };
}
