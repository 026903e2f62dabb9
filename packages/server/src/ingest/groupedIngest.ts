import type { IngestBatch, IngestStore, SourceState } from '../store/repository.js';
import type { TranscriptFile } from './discover.js';
import { ingestSource, type CommitPolicy, type SourceRun } from './ingestSource.js';
import type { ReadOptions } from './readSource.js';
import type { WriteLock } from './writeLock.js';

export interface IngestJob {
  file: TranscriptFile;
  from: SourceState;
}

export type JobResult = SourceRun;

/** Batches are committed in groups of about this many entries: one transaction each. */
const GROUP_ENTRIES = 8_000;
/**
 * While another thread holds the store, a group may grow to this before waiting for it. A group's
 * entries are most of a worker's live heap: at 4x, the workers' heaps grew with the length of an
 * import (84-89 MB committed each at 16x the bench history at 1.5x, 101-123 MB at 4x; the time
 * within the noise of the machine, docs/ingest.md "Memory").
 */
const MAX_GROUP_ENTRIES = 1.5 * GROUP_ENTRIES;
/**
 * The first group is this small, and each next one twice the last, up to GROUP_ENTRIES: the
 * newest files are read first, and a full first group held today's lines back until 8,000
 * entries of older history were read with them (a few more commits, once).
 */
const FIRST_GROUP_ENTRIES = 500;

/**
 * Backfill's commit policy: reads files and commits their batches in groups of many files, each
 * group in one transaction together with the offsets it reaches, so a kill at any moment resumes
 * without loss or double count. Runs in a backfill worker thread, or in-process.
 */
export class GroupedIngest implements CommitPolicy {
  private group: IngestBatch[] = [];
  private groupEntries = 0;
  private groupTarget = FIRST_GROUP_ENTRIES;

  constructor(
    private readonly store: Pick<IngestStore, 'applyBatches' | 'recordFileProblem'>,
    private readonly options: ReadOptions,
    /** Shared with the other backfill workers; absent when this is the only writer. */
    private readonly lock?: WriteLock,
  ) {}

  run(job: IngestJob): Promise<JobResult> {
    return ingestSource(this.store, job.file, job.from, this.options, this);
  }

  take(batch: IngestBatch): Promise<void> | undefined {
    this.group.push(batch);
    this.groupEntries += batch.entries.length + 1;
    if (this.groupEntries < this.groupTarget) return undefined;
    return this.flush(this.groupEntries < (this.groupTarget * MAX_GROUP_ENTRIES) / GROUP_ENTRIES);
  }

  /** Commits the group; with `onlyIfFree`, only when no other worker is writing. */
  async flush(onlyIfFree = false): Promise<void> {
    if (this.group.length === 0) return;
    if (this.lock) {
      if (onlyIfFree) {
        if (!this.lock.tryAcquire()) return;
      } else this.lock.acquire();
    }
    const group = this.group;
    this.group = [];
    this.groupEntries = 0;
    this.groupTarget = Math.min(2 * this.groupTarget, GROUP_ENTRIES);
    try {
      await this.store.applyBatches(group);
    } finally {
      this.lock?.release();
    }
  }
}
