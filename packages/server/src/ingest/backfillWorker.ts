// A backfill worker thread: reads, parses and stores the files it is handed, through its own
// store connection, so that parsed entries never have to be copied between threads.
import { parentPort, workerData } from 'node:worker_threads';
import { createPriceBook, type PriceTable } from '../core/pricing.js';
import { openStore, type StoreSpec } from '../store/openStore.js';
import { GroupedIngest, type IngestJob, type JobResult } from './groupedIngest.js';
import { WriteLock } from './writeLock.js';

/** `recent`: a file of the recent part of the history (BackfillOptions.recentSinceMs). */
export type WorkerRequest = { id: number; job: IngestJob; recent: boolean } | { finish: true };
/** `flushed`: every job replied to before it is committed. */
export type WorkerReply = { id: number; result: JobResult } | { flushed: true } | { finished: true } | { failed: string; code?: string };

const { store: spec, table, maxLineBytes, lock } = workerData as { store: StoreSpec; table: PriceTable; maxLineBytes?: number; lock?: SharedArrayBuffer };
const port = parentPort;
if (!port) throw new Error('backfillWorker must run in a worker thread');
const store = openStore(spec);
const ingest = new GroupedIngest(store, { prices: createPriceBook(table), maxLineBytes }, lock ? new WriteLock(lock) : undefined);

// Requests are handled strictly one after another.
let queue = Promise.resolve();
let lastRecent = false;
port.on('message', (request: WorkerRequest) => {
  queue = queue
    .then(async () => {
      if ('finish' in request) {
        await ingest.flush();
        await store.close();
        port.postMessage({ finished: true } satisfies WorkerReply);
      } else {
        // The recent files' lines are committed before older history joins their group.
        if (lastRecent && !request.recent) {
          await ingest.flush();
          port.postMessage({ flushed: true } satisfies WorkerReply);
        }
        lastRecent = request.recent;
        port.postMessage({ id: request.id, result: await ingest.run(request.job) } satisfies WorkerReply);
      }
    })
    .catch((error: Error & { code?: unknown }) => port.postMessage({ failed: error.message, code: typeof error.code === 'string' ? error.code : undefined } satisfies WorkerReply));
});
