import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const WORKER_URL = new URL('./walCheckpointWorker.js', import.meta.url);
/** How often the thread checkpoints: SQLite's own checkpoint came every 1000 pages (4 MiB). */
const CHECKPOINT_EVERY_MS = 250;
/**
 * A WAL of more frames than this, all of it copied, is started over (walCheckpointWorker.ts): at
 * 5000 sessions x 5000 lines/s it grew to 1 GB in 70 s for a 144 MB database.
 */
const RESTART_ABOVE_FRAMES = 4096;
/** SQLite's default, restored on the writer when the thread fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/** `serve`'s choice: its writer's checkpoints on a thread of their own, problems said through `onProblem`. */
export interface BackgroundCheckpoints {
  onProblem: (message: string) => void;
}

export interface WalCheckpointer {
  /** Checkpoints the thread has run, and how many of them started the WAL over. */
  stats(): { checkpoints: number; restarts: number };
  stop(): Promise<void>;
}

/**
 * Moves the writer's WAL checkpoints to a thread of their own. SQLite checkpoints inside the
 * commit that takes the WAL past 1000 pages: it copies them into the database file and waits for
 * two fsyncs, and under `serve`'s load those commits held the event loop for tens to hundreds of
 * milliseconds (figures: docs/ingest.md, "Reading under load"). The thread checkpoints PASSIVE
 * every CHECKPOINT_EVERY_MS on its own connection, concurrently with the writer's commits. If the
 * thread fails, the writer checkpoints itself again, as before. Without a built worker (tests
 * running the TypeScript sources) nothing changes: returns null.
 */
export function walCheckpointer(
  db: Database.Database,
  onProblem: (message: string) => void,
  { everyMs = CHECKPOINT_EVERY_MS, restartAboveFrames = RESTART_ABOVE_FRAMES }: { everyMs?: number; restartAboveFrames?: number } = {},
): WalCheckpointer | null {
  if (!fs.existsSync(WORKER_URL)) return null;
  let checkpoints = 0;
  let restarts = 0;
  let stopping = false;
  /** A checkpoint that fails fails again every few hundred ms (a full disk): said once, until one goes through. */
  let failing = false;
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_URL, { workerData: { file: db.name, everyMs, restartAboveFrames } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (why: string) => {
    if (stopping || !db.open) return;
    stopping = true;
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    onProblem(`the WAL checkpoint thread stopped (${why}): the writer checkpoints itself again`);
  };
  worker.on('message', (message: { error?: string; restarted?: boolean }) => {
    if (message.error === undefined) {
      checkpoints++;
      if (message.restarted) restarts++;
      failing = false;
    } else {
      if (!failing) onProblem(`WAL checkpoint failed (retried every ${everyMs} ms; said again only after one succeeds): ${message.error}`);
      failing = true;
    }
  });
  worker.on('error', (error) => fallBack(error.message));
  worker.on('exit', (code) => fallBack(`exit code ${code}`));
  return {
    stats: () => ({ checkpoints, restarts }),
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}
