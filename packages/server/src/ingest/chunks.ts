import fs from 'node:fs';

export const CHUNK_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export type Chunk =
  /**
   * Whole lines from `offset`, in one or more parts (joined, they are the bytes); when `atEnd`,
   * the bytes after the last newline are a partial tail. Several parts are the pieces of a long
   * line, each its own memory: they are joined only by whoever parses them (joining a long line
   * here held the event loop: docs/ingest.md, "Long lines").
   */
  | { kind: 'lines'; parts: Buffer[]; offset: number; atEnd: boolean }
  /** A line longer than the limit, skipped without being held in memory. `complete` once its newline was seen. */
  | { kind: 'oversized'; offset: number; length: number; complete: boolean }
  /**
   * A long line is being read, `bytes` of it so far: the caller may let the event loop run before
   * resuming (the live watcher does: a long line read at once held it, docs/ingest.md, "Long lines").
   */
  | { kind: 'reading'; bytes: number };

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
  // The start of a line not ended yet, as copies of the reads that hold it, joined only once its
  // newline arrives: joining at every read copied a long line once per read (docs/ingest.md, "Long lines").
  let carry: Buffer[] = [];
  let carryBytes = 0;
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
    const lastNl = data.lastIndexOf(10);
    if (lastNl < 0) {
      carry.push(Buffer.from(data));
      carryBytes += data.length;
      if (carryBytes > maxLineBytes) {
        skipping = { offset: carryOffset, length: carryBytes };
        carry = [];
        carryBytes = 0;
      } else if (carry.length > 1) yield { kind: 'reading', bytes: carryBytes };
      continue;
    }
    const head = data.subarray(0, lastNl + 1);
    const parts = carry.length > 0 ? [...carry, Buffer.from(head)] : [head];
    const completeOffset = carryOffset;
    carryOffset += carryBytes + head.length;
    const rest = Buffer.from(data.subarray(lastNl + 1));
    carry = rest.length > 0 ? [rest] : [];
    carryBytes = rest.length;
    if (carryBytes > maxLineBytes) {
      skipping = { offset: carryOffset, length: carryBytes };
      carry = [];
      carryBytes = 0;
    }
    yield { kind: 'lines', parts, offset: completeOffset, atEnd: false };
  }
  if (skipping) yield { kind: 'oversized', offset: skipping.offset, length: skipping.length, complete: false };
  else yield { kind: 'lines', parts: carry, offset: carryOffset, atEnd: true };
}

/** The bytes of a 'lines' chunk as one buffer (a single part is not copied). */
export function joined(parts: Buffer[]): Buffer {
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** Their total length. */
export function partsLength(parts: Buffer[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

/** Copies `data` when it still points into the shared buffer, which the next read overwrites. */
function takeLines(data: Buffer): Buffer {
  return data.buffer === shared.buffer ? Buffer.from(data) : data;
}
