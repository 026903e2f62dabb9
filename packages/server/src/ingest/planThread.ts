import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FilePlan } from './planFiles.js';
import type { PlanReply, PlanRequest } from './planWorker.js';

// Only dist/ has the compiled worker: run from the sources (the tests), plans are made in the caller's thread.
const PLAN_WORKER_URL = new URL('./planWorker.js', import.meta.url);

export function canPlanInThread(): boolean {
  return fs.existsSync(PLAN_WORKER_URL);
}

export interface PlanThread {
  /** The plan; null when the thread had nothing to plan from (PlanReply `skipped`). */
  plan: Promise<FilePlan | null>;
  /** Ends the thread if it is still planning (the plan then rejects). */
  stop(): void;
}

/** Plans in planWorker's thread of its own. */
export function startPlanThread(request: PlanRequest): PlanThread {
  const worker = new Worker(PLAN_WORKER_URL, { workerData: request });
  const plan = new Promise<FilePlan | null>((resolve, reject) => {
    worker.once('message', (reply: PlanReply) => {
      if ('plan' in reply) resolve(reply.plan);
      else if ('skipped' in reply) resolve(null);
      else reject(new Error(`backfill planner: ${reply.failed}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`backfill planner exited with code ${code}`)));
  });
  return { plan, stop: () => void worker.terminate() };
}
