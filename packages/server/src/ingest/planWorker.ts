// A short-lived thread that plans a cold backfill (planFiles.ts): the walk, a stat per file and the
// ordering of a large history leave tens of MB of garbage, and a thread's heap goes when it ends
// where the main thread's would stay committed through the whole import (docs/ingest.md, "Memory").
import { parentPort, workerData } from 'node:worker_threads';
import type { StoredFile } from '../store/repository.js';
import { planFiles, type FilePlan } from './planFiles.js';

export interface PlanRequest {
  claudeDirs: string[];
  stored: StoredFile[];
  recentSinceMs: number;
}
export type PlanReply = { plan: FilePlan } | { failed: string };

const port = parentPort;
if (!port) throw new Error('planWorker must run in a worker thread');
const { claudeDirs, stored, recentSinceMs } = workerData as PlanRequest;
planFiles(claudeDirs, stored, recentSinceMs).then(
  (plan) => port.postMessage({ plan } satisfies PlanReply, [plan.dirOf.buffer, plan.paths.bytes.buffer, plan.paths.ends.buffer, plan.sizes.buffer, plan.recents.buffer]),
  (error: Error) => port.postMessage({ failed: error.message } satisfies PlanReply),
);
