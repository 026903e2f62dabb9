import type { PriceBook } from '../core/pricing.js';
import type { AppliedBatch, IngestBatch, IngestStore, SourceState } from '../store/repository.js';
import type { TranscriptFile } from './discover.js';
import type { ParsedChunk } from './parseChunk.js';
import { readSource, type ParseRequest, type ReadOptions } from './readSource.js';

export interface IngestContext {
  store: IngestStore;
  prices: PriceBook;
  maxLineBytes?: number;
  /** Called after each commit: the live engine's feed. A group commit may hold several files' batches. */
  onApplied?: (applied: AppliedBatch) => void;
}

/** What one read of a file found. */
export interface SourceRun {
  lines: number;
  /** The file's own problems (vanished, unreadable) and its lines' problems, read again or not. */
  problems: number;
  /** Set when the file was truncated or replaced and read again from byte 0. */
  rewound: boolean;
}

/**
 * Decides when the batches a read hands over are committed: backfill's groups of many files
 * (GroupedIngest) or the live path's groups committed one at a time (groupCommits). Every batch
 * carries the offset it reaches and is committed in one transaction with it, so any policy keeps
 * "a kill at any moment loses nothing and doubles nothing"; a policy only has to commit a file's
 * batches in the order it took them, never a later one without the ones before.
 */
export interface CommitPolicy {
  /**
   * Takes the next batch; `bytes` is how far it moves the file's offset (from 0 after a rewind).
   * A promise returned (a full group's commit) is awaited before reading on.
   */
  take(batch: IngestBatch, bytes: number): Promise<void> | undefined;
  /** A long line is being read; resolves when reading may go on. Without it, reading goes on at once. */
  pause?(): Promise<void>;
  /** Parses a large chunk elsewhere (ReadOptions.parseElsewhereFrom). Without it, chunks are parsed in the reader. */
  parse?(request: ParseRequest): Promise<ParsedChunk>;
}

/**
 * Reads what is new in one transcript since `from` (readSource), records the file's own problems
 * and hands every batch to `policy`. The one loop every ingest path runs: backfill, in process
 * or in its workers, and the live watcher and remote file queue.
 */
export async function ingestSource(
  store: Pick<IngestStore, 'recordFileProblem'>,
  file: TranscriptFile,
  from: SourceState,
  options: ReadOptions,
  policy: CommitPolicy,
): Promise<SourceRun> {
  const run: SourceRun = { lines: 0, problems: 0, rewound: false };
  let offset = from.offset;
  let lines = from.lineCount;
  // Stepped by hand, not with for-of: a chunk parsed elsewhere goes back to the reader through `next`.
  const reads = readSource(file, from, options);
  let parsed: ParsedChunk | undefined;
  try {
    for (;;) {
      const step = reads.next(parsed);
      parsed = undefined;
      if (step.done) break;
      const read = step.value;
      if (read.kind === 'batch') {
        const { batch } = read;
        if (batch.rewind) {
          run.rewound = true;
          offset = 0;
          lines = 0;
        }
        run.lines += batch.nextLineCount - lines;
        run.problems += batch.problems.length;
        const bytes = batch.nextOffset - offset;
        offset = batch.nextOffset;
        lines = batch.nextLineCount;
        const full = policy.take(batch, bytes);
        if (full) await full;
      } else if (read.kind === 'file-problem') {
        await store.recordFileProblem(file.claudeDir, file.relPath, read.problem, read.detail);
        run.problems++;
      } else if (read.kind === 'reading') {
        if (policy.pause) await policy.pause();
      } else if (policy.parse) parsed = await policy.parse(read.request);
    }
  } finally {
    reads.return(); // closes the file when a read stopped early
  }
  return run;
}
