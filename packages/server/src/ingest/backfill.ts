import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { StoreSpec } from '../store/openStore.js';
import type { SourceState, StoredFile } from '../store/repository.js';
import type { WorkerJob, WorkerReply, WorkerRequest } from './backfillWorker.js';
import { changedFiles, type StatedFile } from './changedFiles.js';
import { discoverTranscripts, type TranscriptFile } from './discover.js';
import { GroupedIngest, type IngestJob, type JobResult } from './groupedIngest.js';
import type { IngestContext } from './ingestSource.js';
import { newestFirst } from './newestFirst.js';
import { WriteLock } from './writeLock.js';

export interface BackfillProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  lines: number;
}

export interface BackfillSummary {
  files: number;
  bytes: number;
  lines: number;
  problems: number;
  seconds: number;
}

export interface BackfillOptions {
  /** Worker threads that read, parse and store (default 2); 0 does it all in this thread. */
  workers?: number;
  /** How a worker opens its own store connection; required for workers > 0. */
  storeSpec?: StoreSpec;
  onProgress?: (progress: BackfillProgress) => void;
  /**
   * The recent part of the history: files (with their session's files) modified at or after this
   * time (ms). `onRecent` is called, and awaited, once all of them are committed: the older files
   * may still be reading.
   */
  recentSinceMs?: number;
  onRecent?: () => Promise<void>;
}

type SizedJob = IngestJob & { size: number; recent: boolean };

const WORKER_URL = new URL('./backfillWorker.js', import.meta.url);
/**
 * Files queued per worker, so that it never waits for the next one (a round trip per file idled
 * the threads); topped up, in one message, once half of them are done.
 */
const QUEUED_PER_WORKER = 32;

/**
 * Reads every transcript under the claude dirs up to its current end: the changed ones only
 * (changedFiles), newest first (newestFirst).
 */
export async function backfill(ctx: IngestContext, claudeDirs: string[], options: BackfillOptions = {}): Promise<BackfillSummary> {
  const started = performance.now();
  // SQLite lets one writer in at a time: the workers take turns on a shared lock. PostgreSQL
  // commits the workers' groups concurrently (row locks order what overlaps).
  const canUseWorkers = options.storeSpec !== undefined && (options.workers ?? 2) > 0 && fs.existsSync(WORKER_URL);
  const lock = options.storeSpec?.kind === 'sqlite' ? new WriteLock().buffer : undefined;
  let pool: Worker[] = [];
  const start = (files: number) => {
    if (canUseWorkers && pool.length === 0) pool = startWorkers(Math.min(options.workers ?? 2, files), { store: options.storeSpec, table: ctx.prices.table, maxLineBytes: ctx.maxLineBytes, lock });
  };
  try {
    const { jobs, found } = await plan(ctx, claudeDirs, options.recentSinceMs ?? Infinity, start);
    // Progress counts what is read; the summary, as before, every file (a second import says "0 lines").
    const progress: BackfillProgress = { filesDone: 0, filesTotal: jobs.length, bytesDone: 0, bytesTotal: jobs.reduce((a, j) => a + j.size, 0), lines: 0 };
    const summary = { files: found.files, bytes: found.bytes, problems: found.problems, started };
    options.onProgress?.(progress);
    const recent = new RecentCommits(jobs.filter((job) => job.recent).length, options.onRecent);
    const onDone = (job: SizedJob, result: JobResult, by: object) => {
      if (job.recent) recent.done(by);
      progress.filesDone++;
      progress.bytesDone += job.size;
      progress.lines += result.lines;
      summary.problems += result.problems;
      options.onProgress?.(progress);
    };
    if (pool.length > 0) {
      const next = { id: 0 };
      await Promise.all(pool.map((worker) => drive(worker, next, jobs, onDone, recent)));
    } else if (jobs.length > 0) {
      const ingest = new GroupedIngest(ctx.store, ctx);
      for (const [i, job] of jobs.entries()) {
        onDone(job, await ingest.run(job), ingest);
        if (job.recent && !jobs[i + 1]?.recent) {
          await ingest.flush();
          recent.flushed(ingest);
        }
      }
      await ingest.flush();
    }
    return await finish(summary, progress, recent);
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
}

async function finish(summary: { files: number; bytes: number; problems: number; started: number }, progress: BackfillProgress, recent: RecentCommits): Promise<BackfillSummary> {
  await recent.settled();
  return { files: summary.files, bytes: summary.bytes, lines: progress.lines, problems: summary.problems, seconds: (performance.now() - summary.started) / 1000 };
}

/**
 * The jobs, and what the summary says of every file. What the store held and the files found are
 * dropped once the jobs are made: a history of 75,000 files kept them through the whole import.
 * `start` starts the worker threads: at once on a store that holds nothing yet (they load while
 * the tree is walked), else once something changed (a restart that reads nothing starts none).
 */
async function plan(
  ctx: IngestContext,
  claudeDirs: string[],
  recentSinceMs: number,
  start: (files: number) => void,
): Promise<{ jobs: SizedJob[]; found: { files: number; bytes: number; problems: number } }> {
  const stored = await ctx.store.storedFiles(claudeDirs);
  if (stored.length === 0) start(Infinity);
  const { changed, files, bytes, problems } = await findChanged(ctx, claudeDirs, stored);
  if (changed.length > 0) start(changed.length);
  return { jobs: await planJobs(ctx, changed, recentSinceMs), found: { files, bytes, problems } };
}

/** Every transcript under the claude dirs, and those that changed since the store last read them. */
async function findChanged(ctx: IngestContext, claudeDirs: string[], stored: StoredFile[]): Promise<{ changed: StatedFile[]; files: number; bytes: number; problems: number }> {
  const files: TranscriptFile[] = [];
  let problems = 0;
  for (const dir of claudeDirs) {
    const found = await discoverTranscripts(dir);
    files.push(...found.files);
    for (const p of found.problems) {
      await ctx.store.recordFileProblem(p.claudeDir, p.relPath, p.kind, p.detail);
      problems++;
    }
  }
  const { changed, bytes } = changedFiles(stored, files);
  return { changed, files: files.length, bytes, problems };
}

/** The changed files as jobs, newest first, each with its stored state (registered when new, in one query). */
async function planJobs(ctx: IngestContext, changed: StatedFile[], recentSinceMs: number): Promise<SizedJob[]> {
  const ordered = newestFirst(changed);
  const sources = ordered.length > 0 ? await ctx.store.sources(ordered.map((c) => c.file)) : [];
  return ordered.map(({ file, size, groupMtimeMs }, i) => ({ file, from: sharingNames(sources[i] as SourceState, file), size, recent: groupMtimeMs >= recentSinceMs }));
}

/** The source with the file's own claude dir and path strings, not the store's copies of them (one pair per file). */
function sharingNames(source: SourceState, file: TranscriptFile): SourceState {
  const { id, offset, lineCount, ino, size, tail } = source;
  return { id, claudeDir: file.claudeDir, relPath: file.relPath, offset, lineCount, ino, size, tail };
}

/** An error a worker raised before it was driven, kept for `drive` to report. */
const earlyErrors = new WeakMap<Worker, Error>();

function startWorkers(count: number, workerData: object): Worker[] {
  return Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_URL, { workerData });
    worker.once('error', (error) => earlyErrors.set(worker, error));
    return worker;
  });
}

function drive(
  worker: Worker,
  /** The next job no worker has taken yet, shared by the workers. */
  next: { id: number },
  jobs: SizedJob[],
  onDone: (job: SizedJob, result: JobResult, by: object) => void,
  recent: RecentCommits,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    const send = (request: WorkerRequest) => worker.postMessage(request);
    const feed = () => {
      if (inFlight > QUEUED_PER_WORKER / 2) return;
      const batch: WorkerJob[] = [];
      while (inFlight < QUEUED_PER_WORKER && next.id < jobs.length) {
        const id = next.id++;
        const job = jobs[id] as SizedJob;
        inFlight++;
        batch.push({ id, job: { file: job.file, from: job.from }, recent: job.recent });
      }
      if (batch.length > 0) send({ jobs: batch });
      else if (inFlight === 0) send({ finish: true });
    };
    worker.on('message', (reply: WorkerReply) => {
      // The store's error code comes along: a full disk and a corrupt database are told apart by it (store/storeFaults.ts).
      if ('failed' in reply) reject(Object.assign(new Error(`backfill worker: ${reply.failed}`), { code: reply.code }));
      else if ('flushed' in reply) recent.flushed(worker);
      else if ('finished' in reply) {
        recent.flushed(worker);
        resolve();
      } else {
        for (const { id, result } of reply.results) {
          inFlight--;
          onDone(jobs[id] as SizedJob, result, worker);
        }
        feed();
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(earlyErrors.get(worker) ?? new Error(`backfill worker exited with code ${code}`)));
    const early = earlyErrors.get(worker);
    if (early) reject(early);
    else feed();
  });
}

/** Calls `onRecent` once every recent job is read and its reader has committed since. */
class RecentCommits {
  private readonly unflushed = new Map<object, number>();
  private called: Promise<void> | undefined;

  constructor(
    private left: number,
    private readonly onRecent?: () => Promise<void>,
  ) {
    this.check();
  }

  done(by: object): void {
    this.left--;
    this.unflushed.set(by, (this.unflushed.get(by) ?? 0) + 1);
  }

  flushed(by: object): void {
    this.unflushed.delete(by);
    this.check();
  }

  async settled(): Promise<void> {
    this.check();
    await this.called;
  }

  private check(): void {
    if (this.called || this.left > 0 || this.unflushed.size > 0) return;
    this.called = this.onRecent?.() ?? Promise.resolve();
  }
}
