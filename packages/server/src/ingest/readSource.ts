import fs from 'node:fs';
import type { PositionedProblem } from '../core/entry.js';
import type { PriceBook } from '../core/pricing.js';
import { ownTail, TAIL_BYTES, type FileIdentity, type IngestBatch, type SourceState } from '../store/repository.js';
import { DEFAULT_MAX_LINE_BYTES, readChunks, type Chunk } from './chunks.js';
import type { TranscriptFile } from './discover.js';
import { NOT_REGULAR, openRegularSync } from './openRegular.js';
import { parseChunk } from './parseChunk.js';
import { attachPrices } from './price.js';

export interface ReadOptions {
  prices: PriceBook;
  maxLineBytes?: number;
  /**
   * Whole lines of at most about this many bytes per batch (default: a read chunk, 4 MiB). The
   * live path asks for small batches: a commit and its live update run in one event-loop turn, and
   * 4 MiB of lines of new sessions held it for seconds.
   */
  maxBatchBytes?: number;
}

export type SourceRead =
  | { kind: 'batch'; batch: IngestBatch }
  /** The file as a whole could not be read: it vanished, or permission was denied. */
  | { kind: 'file-problem'; problem: string; detail: string };

/**
 * Reads what is new in one transcript since `from` (its stored state) as batches, each one
 * carrying the offset it reaches. Pure reading: applying the batches is the caller's job.
 */
export function* readSource(file: TranscriptFile, from: SourceState, options: ReadOptions): Generator<SourceRead> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let fd;
  let stat;
  try {
    ({ fd, stat } = openRegularSync(file.absPath));
  } catch (error) {
    yield fileProblem(error);
    return;
  }
  try {
    const identity: FileIdentity = { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
    let rewind = wasReplaced(fd, from, stat.ino, stat.size);
    const start = rewind ? 0 : from.offset;
    let lineCount = rewind ? 0 : from.lineCount;
    let tail = rewind ? Buffer.alloc(0) : from.tail;
    for (const chunk of inPieces(readChunks(fd, start, stat.size, maxLineBytes), options.maxBatchBytes)) {
      const batch: IngestBatch = { sourceId: from.id, rewind, entries: [], problems: [], nextOffset: 0, nextLineCount: 0, nextTail: tail, identity };
      rewind = false;
      if (chunk.kind === 'oversized') {
        batch.problems.push(oversized(chunk.offset, chunk.length, chunk.complete, lineCount + 1, maxLineBytes));
        // An unfinished oversized line is reported but not passed: it is skipped again next time.
        if (chunk.complete) {
          lineCount++;
          tail = NEWLINE; // all that is known of a skipped line's end
        }
        batch.nextOffset = chunk.complete ? chunk.offset + chunk.length : chunk.offset;
      } else {
        if (chunk.buf.length === 0 && !batch.rewind) continue;
        const parsed = parseChunk(chunk.buf, chunk.offset, lineCount, { agentId: file.agentId }, chunk.atEnd);
        lineCount += parsed.consumedLines;
        batch.entries = attachPrices(parsed.entries, options.prices);
        batch.problems = parsed.problems;
        batch.nextOffset = chunk.offset + parsed.consumedBytes;
        if (parsed.consumedBytes > 0) {
          tail = ownTail(chunk.buf.subarray(Math.max(0, parsed.consumedBytes - TAIL_BYTES), parsed.consumedBytes));
        }
      }
      batch.nextLineCount = lineCount;
      batch.nextTail = tail;
      yield { kind: 'batch', batch };
    }
  } catch (error) {
    yield fileProblem(error);
  } finally {
    fs.closeSync(fd);
  }
}

/** Cuts chunks of lines into pieces of whole lines of about `maxBytes` (a line longer than that is a piece of its own). */
function* inPieces(chunks: Generator<Chunk>, maxBytes: number | undefined): Generator<Chunk> {
  for (const chunk of chunks) {
    if (maxBytes === undefined || chunk.kind !== 'lines' || chunk.buf.length <= maxBytes) {
      yield chunk;
      continue;
    }
    // A copy: the chunk is in the read buffer every reader of this thread shares, and another
    // file's read may run while this one waits between its pieces (its group's commit).
    const buf = Buffer.from(chunk.buf);
    const { offset, atEnd } = chunk;
    let from = 0;
    while (from < buf.length) {
      const nl = buf.indexOf(10, Math.min(from + Math.max(1, maxBytes), buf.length) - 1); // at `from` or after: every piece moves on
      const to = nl < 0 ? buf.length : nl + 1; // no newline left: the partial tail, with the last piece
      yield { kind: 'lines', buf: buf.subarray(from, to), offset: offset + from, atEnd: atEnd && to === buf.length };
      from = to;
    }
  }
}

function oversized(offset: number, length: number, complete: boolean, lineNo: number, limit: number): PositionedProblem {
  return {
    kind: 'line-too-long',
    detail: `line of ${length}${complete ? '' : '+'} bytes skipped (limit ${limit})`,
    byteOffset: offset,
    byteLength: length,
    lineNo,
  };
}

const NEWLINE = Buffer.from('\n');

/**
 * A file was truncated or replaced when it is now shorter than what was read, is another inode,
 * or no longer holds, just before the stored offset, the bytes that were read there.
 */
export function wasReplaced(fd: number, source: Pick<SourceState, 'offset' | 'ino' | 'tail'>, ino: number, size: number): boolean {
  if (source.offset === 0) return false;
  if (size < source.offset || (source.ino !== 0 && source.ino !== ino)) return true;
  const expected = source.tail.length > 0 ? source.tail : NEWLINE;
  const probe = Buffer.alloc(expected.length);
  fs.readSync(fd, probe, 0, expected.length, source.offset - expected.length);
  return !probe.equals(expected);
}

function fileProblem(error: unknown): SourceRead {
  const code = (error as NodeJS.ErrnoException).code;
  const problem =
    code === 'ENOENT' ? 'file-vanished' : code === 'EACCES' || code === 'EPERM' ? 'permission-denied' : code === NOT_REGULAR ? 'not-a-regular-file' : 'read-error';
  return { kind: 'file-problem', problem, detail: (error as Error).message };
}
