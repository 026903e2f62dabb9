import type { PriceBook } from '../core/pricing.js';
import type { AppliedBatch, IngestStore } from '../store/repository.js';
import type { TranscriptFile } from './discover.js';
import { readSource } from './readSource.js';

export interface IngestContext {
  store: IngestStore;
  prices: PriceBook;
  maxLineBytes?: number;
  /** Called after each commit: the live engine's feed. A group commit may hold several files' batches. */
  onApplied?: (applied: AppliedBatch) => void;
}

export interface FileIngest {
  bytes: number;
  lines: number;
  problems: number;
  /** Set when the file was truncated or replaced and read again from byte 0. */
  rewound: boolean;
}

/**
 * Reads what is new in one transcript and applies it batch by batch, each batch committed
 * with the offset it reached, so that a kill at any moment loses nothing and doubles nothing.
 */
export async function ingestFile(ctx: IngestContext, file: TranscriptFile): Promise<FileIngest> {
  const result: FileIngest = { bytes: 0, lines: 0, problems: 0, rewound: false };
  const [source] = await ctx.store.sources([file]);
  if (!source) return result;
  let offset = source.offset;
  let lines = source.lineCount;
  for (const read of readSource(file, source, ctx)) {
    if (read.kind === 'reading' || read.kind === 'parse') continue; // parsed here, without pausing
    if (read.kind === 'file-problem') {
      await ctx.store.recordFileProblem(file.claudeDir, file.relPath, read.problem, read.detail);
      result.problems++;
      continue;
    }
    const { batch } = read;
    if (batch.rewind) {
      result.rewound = true;
      offset = 0;
      lines = 0;
    }
    const applied = await ctx.store.applyBatches([batch]);
    result.bytes += batch.nextOffset - offset;
    result.lines += batch.nextLineCount - lines;
    offset = batch.nextOffset;
    lines = batch.nextLineCount;
    result.problems += applied.problems;
    ctx.onApplied?.(applied);
  }
  return result;
}
