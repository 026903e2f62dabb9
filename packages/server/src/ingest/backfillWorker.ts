// A backfill worker thread: reads, parses and stores the files it is handed, through its own
// store connection, so that parsed entries never have to be copied between threads.
import { parentPort, workerData } from 'node:worker_threads';
import { createPriceBook, type PriceTable } from '../core/pricing.js';
import { openStore, type StoreSpec } from '../store/openStore.js';
import { GroupedIngest, type IngestJob, type JobResult } from './groupedIngest.js';
import { WriteLock } from './writeLock.js';

/** `recent`: a file of the recent part of the history (BackfillOptions.recentSinceMs). */
export interface WorkerJob {
  id: number;
  job: IngestJob;
  recent: boolean;
}
/** Jobs come, and results go back, several to a message: a message each way per file cost more than reading most files. */
export type WorkerRequest = { jobs: WorkerJob[] } | { finish: true };
/** `flushed`: every job replied to before it is committed. */
export type WorkerReply = { results: { id: number; result: JobResult }[] } | { flushed: true } | { finished: true } | { failed: string; code?: string };

/** Results wait at most this long for company, so that progress stays current. */
const REPLY_EVERY_MS = 50;

const { store: spec, table, maxLineBytes, lock } = workerData as { store: StoreSpec; table: PriceTable; maxLineBytes?: number; lock?: SharedArrayBuffer };
const port = parentPort;
if (!port) throw new Error('backfillWorker must run in a worker thread');
const store = await openStore(spec);
const ingest = new GroupedIngest(store, { prices: createPriceBook(table), maxLineBytes }, lock ? new WriteLock(lock) : undefined);

// Requests are handled strictly one after another.
let queue = Promise.resolve();
let lastRecent = false;
let queued = 0;
let results: { id: number; result: JobResult }[] = [];
let repliedAt = performance.now();

function reply(): void {
  if (results.length === 0) return;
  port?.postMessage({ results } satisfies WorkerReply);
  results = [];
  repliedAt = performance.now();
}

async function runJob({ id, job, recent }: WorkerJob): Promise<void> {
  // The recent files' lines are committed before older history joins their group.
  if (lastRecent && !recent) {
    await ingest.flush();
    reply();
    port?.postMessage({ flushed: true } satisfies WorkerReply);
  }
  lastRecent = recent;
  results.push({ id, result: await ingest.run(job) });
  queued--;
  if (queued === 0 || performance.now() - repliedAt >= REPLY_EVERY_MS) reply();
}

port.on('message', (request: WorkerRequest) => {
  if ('jobs' in request) queued += request.jobs.length;
  queue = queue
    .then(async () => {
      if ('finish' in request) {
        await ingest.flush();
        await store.close();
        port.postMessage({ finished: true } satisfies WorkerReply);
      } else for (const job of request.jobs) await runJob(job);
    })
    .catch((error: Error & { code?: unknown }) => port.postMessage({ failed: error.message, code: typeof error.code === 'string' ? error.code : undefined } satisfies WorkerReply));
});
