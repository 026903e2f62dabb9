import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { StoreSpec } from '../store/openStore.js';
import type { WorkerJob, WorkerReply, WorkerRequest } from './backfillWorker.js';
import { GroupedIngest, type JobResult } from './groupedIngest.js';
import type { IngestContext } from './ingestSource.js';
import { JobList } from './jobList.js';
import { planFiles, type FilePlan } from './planFiles.js';
import { canPlanInThread, startPlanThread } from './planThread.js';
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
  /**
   * A plan made ahead (cli/serve/earlyStart.ts: in a thread, while `serve` loaded its modules),
   * used when it is for these claude dirs; else, or when it is null or failed, the plan is made here.
   */
  plan?: Promise<FilePlan | null>;
}

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
    if (canUseWorkers && pool.length === 0) pool = startWorkers(Math.min(options.workers ?? 2, files), { store: workerStore(options.storeSpec), table: ctx.prices.table, maxLineBytes: ctx.maxLineBytes, lock });
  };
  try {
    const { jobs, found } = await plan(ctx, claudeDirs, options.recentSinceMs ?? Infinity, start, canUseWorkers, options.plan);
    // Progress counts what is read; the summary, as before, every file (a second import says "0 lines").
    const progress: BackfillProgress = { filesDone: 0, filesTotal: jobs.length, bytesDone: 0, bytesTotal: jobs.bytesTotal, lines: 0 };
    const summary = { files: found.files, bytes: found.bytes, problems: found.problems, started };
    options.onProgress?.(progress);
    const recent = new RecentCommits(jobs.recentCount, options.onRecent);
    const onDone = (i: number, result: JobResult, by: object) => {
      if (jobs.recent(i)) recent.done(by);
      progress.filesDone++;
      progress.bytesDone += jobs.size(i);
      progress.lines += result.lines;
      summary.problems += result.problems;
      options.onProgress?.(progress);
    };
    if (pool.length > 0) {
      const next = { id: 0 };
      await Promise.all(pool.map((worker) => drive(worker, next, jobs, onDone, recent)));
    } else if (jobs.length > 0) {
      const ingest = new GroupedIngest(ctx.store, ctx);
      for (let i = 0; i < jobs.length; i++) {
        onDone(i, await ingest.run(jobs.job(i)), ingest);
        if (jobs.recent(i) && !(i + 1 < jobs.length && jobs.recent(i + 1))) {
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
 * The jobs, and what the summary says of every file: from the plan made ahead when there is one
 * for these dirs (a restart of `serve`), else planned here. `start` starts the worker threads: at
 * once on a store that holds nothing yet (they load while the tree is walked), else once something
 * changed (a restart that reads nothing starts none). On a store that holds nothing, with
 * threads, the plan is made in a thread of its own: walking, stating and ordering 75,000 files
 * left some 65 MB of garbage that the main thread's heap kept committed through the whole import.
 */
async function plan(
  ctx: IngestContext,
  claudeDirs: string[],
  recentSinceMs: number,
  start: (files: number) => void,
  inThread: boolean,
  ahead: Promise<FilePlan | null> | undefined,
): Promise<{ jobs: JobList; found: { files: number; bytes: number; problems: number } }> {
  const made = ahead ? await ahead.catch(() => null) : null;
  const files = made && sameDirs(made.dirs, claudeDirs) ? made : await planHere(ctx, claudeDirs, recentSinceMs, start, inThread);
  for (const p of files.problems) await ctx.store.recordFileProblem(p.claudeDir, p.relPath, p.kind, p.detail);
  const jobs = new JobList(files);
  if (jobs.length > 0) start(jobs.length);
  await registerSources(ctx, jobs);
  return { jobs, found: { files: files.files, bytes: files.bytes, problems: files.problems.length } };
}

async function planHere(ctx: IngestContext, claudeDirs: string[], recentSinceMs: number, start: (files: number) => void, inThread: boolean): Promise<FilePlan> {
  const stored = await ctx.store.storedFiles(claudeDirs);
  if (stored.length === 0) start(Infinity);
  if (inThread && stored.length === 0 && canPlanInThread()) {
    const planned = await startPlanThread({ claudeDirs, stored, recentSinceMs }).plan;
    if (planned) return planned;
  }
  return planFiles(claudeDirs, stored, recentSinceMs);
}

function sameDirs(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((dir, i) => dir === b[i]);
}

/** The store is asked for this many files' states at a time: all at once held a source object per file of the history. */
export const SOURCES_PER_QUERY = 2048;

/** Each job's stored state, registered when new. */
async function registerSources(ctx: IngestContext, jobs: JobList): Promise<void> {
  for (let from = 0; from < jobs.length; from += SOURCES_PER_QUERY) {
    const refs = [];
    for (let i = from; i < Math.min(jobs.length, from + SOURCES_PER_QUERY); i++) refs.push(jobs.ref(i));
    jobs.setSources(from, await ctx.store.sources(refs));
  }
}

/**
 * A worker's SQLite page cache. An import's writes are random inserts into indexes far larger
 * than any cache by 16x the history, and the 16 MiB of the default filled in a long import, not a
 * short one: 4 MiB brought peak RSS at 16x from 340-354 to 317-319 MiB, with the time at 1x and
 * 16x within the noise (docs/ingest.md, "Memory").
 */
export const WORKER_CACHE_BYTES = 4 * 1024 * 1024;

/** How a worker opens the store: as the caller does, with a smaller page cache on SQLite. */
export function workerStore(spec: StoreSpec | undefined): StoreSpec | undefined {
  return spec?.kind === 'sqlite' ? { ...spec, cacheBytes: WORKER_CACHE_BYTES } : spec;
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
  jobs: JobList,
  onDone: (i: number, result: JobResult, by: object) => void,
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
        inFlight++;
        batch.push({ id, job: jobs.job(id), recent: jobs.recent(id) });
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
          onDone(id, result, worker);
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
