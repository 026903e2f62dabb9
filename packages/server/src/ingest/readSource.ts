import fs from 'node:fs';
import type { PositionedProblem } from '../core/entry.js';
import type { PriceBook } from '../core/pricing.js';
import { ownTail, TAIL_BYTES, type FileIdentity, type IngestBatch, type SourceState } from '../store/repository.js';
import { DEFAULT_MAX_LINE_BYTES, joined, partsLength, readChunks, type Chunk } from './chunks.js';
import type { TranscriptFile } from './discover.js';
import { NOT_REGULAR, openRegularSync } from './openRegular.js';
import { parseChunk, type ParsedChunk } from './parseChunk.js';
import { attachPrices } from './price.js';

export interface ReadOptions {
  prices: PriceBook;
  maxLineBytes?: number;
  /**
   * Chunks of at least this many bytes are handed to the caller to parse (a `parse` read, whose
   * result goes back in the generator's `next`) instead of being parsed here. Without it, or when
   * the caller passes nothing back, every chunk is parsed here.
   */
  parseElsewhereFrom?: number;
  /**
   * Whole lines of at most about this many bytes per batch (default: a read chunk, 4 MiB). The
   * live path asks for small batches: a commit and its live update run in one event-loop turn,
   * which a read chunk of lines of new sessions held for seconds (docs/ingest.md, "Group commits").
   */
  maxBatchBytes?: number;
}

/** Lines to parse elsewhere (another thread): what parseChunk takes, the bytes in parts that are the reader's own memory. */
export interface ParseRequest {
  parts: Buffer[];
  offset: number;
  lineNo: number;
  file: { agentId: string | null };
  tail: boolean;
}

export type SourceRead =
  | { kind: 'batch'; batch: IngestBatch }
  /** The file as a whole could not be read: it vanished, or permission was denied. */
  | { kind: 'file-problem'; problem: string; detail: string }
  /** A long line is being read: the caller may let the event loop run before going on. */
  | { kind: 'reading' }
  /** Only with `parseElsewhereFrom`: parse these lines and pass the ParsedChunk to `next`. */
  | { kind: 'parse'; request: ParseRequest };

/**
 * Reads what is new in one transcript since `from` (its stored state) as batches, each one
 * carrying the offset it reaches. Pure reading: applying the batches is the caller's job.
 */
export function* readSource(file: TranscriptFile, from: SourceState, options: ReadOptions): Generator<SourceRead, void, ParsedChunk | undefined> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let fd;
  let stat;
  try {
    ({ fd, stat } = openRegularSync(file.absPath, from.offset > 0));
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
      if (chunk.kind === 'reading') {
        yield { kind: 'reading' };
        continue;
      }
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
        const length = partsLength(chunk.parts);
        if (length === 0 && !batch.rewind) continue;
        // What parsing will consume: every line up to the last newline (a partial tail is read again).
        const consumed = lastNewline(chunk.parts) + 1;
        const nextTail = consumed > 0 ? ownTail(bytesBefore(chunk.parts, consumed, TAIL_BYTES)) : tail;
        const context = { agentId: file.agentId };
        let parsed: ParsedChunk | undefined;
        if (options.parseElsewhereFrom !== undefined && length >= options.parseElsewhereFrom) {
          // A single part is a view of the shared read buffer, which other reads use while the
          // caller waits: copied. The caller may hand the parts' memory to another thread; it then
          // passes a result back, or throws.
          const parts = chunk.parts.length === 1 ? [Buffer.from(chunk.parts[0] as Buffer)] : chunk.parts;
          parsed = yield { kind: 'parse', request: { parts, offset: chunk.offset, lineNo: lineCount, file: context, tail: chunk.atEnd } };
        }
        parsed ??= parseChunk(joined(chunk.parts), chunk.offset, lineCount, context, chunk.atEnd);
        lineCount += parsed.consumedLines;
        batch.entries = attachPrices(parsed.entries, options.prices);
        batch.problems = parsed.problems;
        batch.nextOffset = chunk.offset + parsed.consumedBytes;
        if (parsed.consumedBytes > 0) tail = nextTail;
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

/**
 * Cuts chunks of lines held in one part into pieces of whole lines of about `maxBytes` (a line
 * longer than that is a piece of its own). A chunk in several parts is one long line being
 * assembled: it passes whole (it may be parsed on another thread).
 */
function* inPieces(chunks: Generator<Chunk>, maxBytes: number | undefined): Generator<Chunk> {
  for (const chunk of chunks) {
    const only = chunk.kind === 'lines' && chunk.parts.length === 1 ? (chunk.parts[0] as Buffer) : null;
    if (maxBytes === undefined || chunk.kind !== 'lines' || only === null || only.length <= maxBytes) {
      yield chunk;
      continue;
    }
    // A copy: the chunk is in the read buffer every reader of this thread shares, and another
    // file's read may run while this one waits between its pieces (its group's commit).
    const buf = Buffer.from(only);
    const { offset, atEnd } = chunk;
    let from = 0;
    while (from < buf.length) {
      const nl = buf.indexOf(10, Math.min(from + Math.max(1, maxBytes), buf.length) - 1); // at `from` or after: every piece moves on
      const to = nl < 0 ? buf.length : nl + 1; // no newline left: the partial tail, with the last piece
      yield { kind: 'lines', parts: [buf.subarray(from, to)], offset: offset + from, atEnd: atEnd && to === buf.length };
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

/** The index of the last newline in the parts joined, or -1. */
function lastNewline(parts: Buffer[]): number {
  let start = partsLength(parts);
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as Buffer;
    start -= part.length;
    const nl = part.lastIndexOf(10);
    if (nl >= 0) return start + nl;
  }
  return -1;
}

/** Up to `count` bytes ending at `end` of the parts joined (a small copy when they span parts). */
function bytesBefore(parts: Buffer[], end: number, count: number): Buffer {
  const from = Math.max(0, end - count);
  let start = 0;
  for (const part of parts) {
    if (from >= start && end <= start + part.length) return part.subarray(from - start, end - start);
    start += part.length;
  }
  return joined(parts).subarray(from, end);
}

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
