import fs from 'node:fs/promises';
import type { PositionedProblem } from '../core/entry.js';
import type { PriceBook } from '../core/pricing.js';
import type { AppliedBatch, FileIdentity, SourceState, Store } from '../store/repository.js';
import { DEFAULT_MAX_LINE_BYTES, readChunks } from './chunks.js';
import type { TranscriptFile } from './discover.js';
import { parseChunk } from './parseChunk.js';
import { priceEntries } from './price.js';

export interface IngestContext {
  store: Store;
  prices: PriceBook;
  maxLineBytes?: number;
  /** Called after each batch is committed: the live engine's feed. */
  onApplied?: (applied: AppliedBatch, file: TranscriptFile) => void;
}

export interface FileIngest {
  bytes: number;
  lines: number;
  problems: number;
  /** Set when the file was truncated or replaced and read again from byte 0. */
  rewound: boolean;
}

/**
 * Reads what is new in one transcript since its stored offset and applies it, batch by batch,
 * each batch committed together with the offset it reached. Safe to call again at any time.
 */
export async function ingestFile(ctx: IngestContext, file: TranscriptFile): Promise<FileIngest> {
  const result: FileIngest = { bytes: 0, lines: 0, problems: 0, rewound: false };
  let handle;
  try {
    handle = await fs.open(file.absPath, 'r');
  } catch (error) {
    await reportFileError(ctx, file, error);
    return result;
  }
  try {
    const stat = await handle.stat();
    let source = await ctx.store.source(file.claudeDir, file.relPath);
    if (await wasReplaced(handle, source, stat.ino, stat.size)) {
      await ctx.store.rewindSource(source.id);
      source = { ...source, offset: 0, lineCount: 0 };
      result.rewound = true;
    }
    const identity: FileIdentity = { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
    let lineCount = source.lineCount;
    for await (const chunk of readChunks(handle, source.offset, stat.size, ctx.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
      if (chunk.kind === 'oversized') {
        const problem: PositionedProblem = {
          kind: 'line-too-long',
          detail: `line of ${chunk.length}${chunk.complete ? '' : '+'} bytes skipped (limit ${ctx.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES})`,
          byteOffset: chunk.offset,
          byteLength: chunk.length,
          lineNo: lineCount + 1,
        };
        // An unfinished oversized line is reported but not passed: it is skipped again next time.
        const next = chunk.complete ? { offset: chunk.offset + chunk.length, lines: lineCount + 1 } : { offset: chunk.offset, lines: lineCount };
        const applied = await ctx.store.applyBatch({ sourceId: source.id, entries: [], problems: [problem], nextOffset: next.offset, nextLineCount: next.lines, identity });
        result.problems += applied.problems;
        result.bytes += next.offset - chunk.offset;
        result.lines += next.lines - lineCount;
        lineCount = next.lines;
        continue;
      }
      if (chunk.buf.length === 0) continue;
      const parsed = parseChunk(chunk.buf, chunk.offset, lineCount, { agentId: file.agentId }, chunk.atEnd);
      lineCount += parsed.consumedLines;
      const applied = await ctx.store.applyBatch({
        sourceId: source.id,
        entries: priceEntries(parsed.entries, ctx.prices),
        problems: parsed.problems,
        nextOffset: chunk.offset + parsed.consumedBytes,
        nextLineCount: lineCount,
        identity,
      });
      result.bytes += parsed.consumedBytes;
      result.lines += parsed.consumedLines;
      result.problems += applied.problems;
      ctx.onApplied?.(applied, file);
    }
  } catch (error) {
    await reportFileError(ctx, file, error);
  } finally {
    await handle.close();
  }
  return result;
}

/**
 * A file was truncated or replaced when it is now shorter than what was read, is another inode,
 * or no longer has a newline where the last read line ended.
 */
async function wasReplaced(handle: fs.FileHandle, source: SourceState, ino: number, size: number): Promise<boolean> {
  if (source.offset === 0) return false;
  if (size < source.offset || (source.ino !== 0 && source.ino !== ino)) return true;
  const probe = Buffer.alloc(1);
  await handle.read(probe, 0, 1, source.offset - 1);
  return probe[0] !== 10;
}

async function reportFileError(ctx: IngestContext, file: TranscriptFile, error: unknown): Promise<void> {
  const code = (error as NodeJS.ErrnoException).code;
  const kind = code === 'ENOENT' ? 'file-vanished' : code === 'EACCES' || code === 'EPERM' ? 'permission-denied' : 'read-error';
  await ctx.store.recordFileProblem(file.claudeDir, file.relPath, kind, (error as Error).message);
}
