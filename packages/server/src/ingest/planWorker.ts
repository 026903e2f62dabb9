// A short-lived thread that plans a backfill (planFiles.ts). On a cold start: the walk, a stat per
// file and the ordering of a large history leave tens of MB of garbage, and a thread's heap goes
// when it ends where the main thread's would stay committed through the whole import
// (docs/ingest.md, "Memory"). On a restart of `serve`: the plan is made while the main thread
// loads the server's modules, the stored files read here (cli/serve/earlyStart.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { StoredFile } from '../store/repository.js';
import { storedFilesAhead } from '../store/sqlite/storedFilesAhead.js';
import { planFiles, type FilePlan } from './planFiles.js';

export type PlanRequest = { claudeDirs: string[]; recentSinceMs: number } & (
  | { stored: StoredFile[] }
  /**
   * The stored files are read here, from the SQLite store in this data dir; a store that holds
   * none is not planned for (`skipped`). The walk waits until `watching` (an Int32Array's buffer)
   * holds 1: the caller starts this thread first, then watches the claude dirs meanwhile.
   */
  | { dataDir: string; watching: SharedArrayBuffer }
);
export type PlanReply = { plan: FilePlan } | { failed: string } | { skipped: string };

/** Watching a claude dir takes tens of ms per thousand folders; a caller that never says so has failed. */
const WATCHING_WAIT_MS = 10_000;

const port = parentPort;
if (!port) throw new Error('planWorker must run in a worker thread');
const request = workerData as PlanRequest;

async function plan(): Promise<PlanReply> {
  let stored: StoredFile[];
  if ('stored' in request) stored = request.stored;
  else {
    const ahead = storedFilesAhead(request.dataDir, request.claudeDirs);
    if ('none' in ahead) return { skipped: ahead.none };
    if (ahead.files.length === 0) return { skipped: 'the store holds no file yet' };
    stored = ahead.files;
    // A file created or appended to after the walk and stats is reported by the trees only if they watch already.
    if (Atomics.wait(new Int32Array(request.watching), 0, 0, WATCHING_WAIT_MS) === 'timed-out') return { skipped: 'the claude dirs were not watched in time' };
  }
  return { plan: await planFiles(request.claudeDirs, stored, request.recentSinceMs) };
}

plan().then(
  (reply) => port.postMessage(reply, 'plan' in reply ? [reply.plan.dirOf.buffer, reply.plan.paths.bytes.buffer, reply.plan.paths.ends.buffer, reply.plan.sizes.buffer, reply.plan.recents.buffer] : []),
  (error: Error) => port.postMessage({ failed: error.message } satisfies PlanReply),
);
