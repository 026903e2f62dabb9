import type { Config } from '../../config/config.js';
import { projectsDir } from '../../ingest/discover.js';
import type { FilePlan } from '../../ingest/planFiles.js';
import { canPlanInThread, startPlanThread } from '../../ingest/planThread.js';
import { holdTree, type HeldTree } from '../../ingest/treeWatcher.js';

/** What `serve` starts before it loads the server's modules; startServer takes it over. */
export interface EarlyStart {
  /** The claude dirs watched already, their files held until a watcher takes each tree (WatchOptions `heldTrees`). */
  heldTrees: Map<string, HeldTree>;
  /** The start-up read's plan for the claude dirs (backfill's `plan`), or null. */
  plan: Promise<FilePlan | null>;
  /** Stops what was not taken over: the trees no watcher took, the planner if still running. */
  close(): void;
}

/**
 * A restart of `serve` spent about 0.1 s (4,680 files) walking the tree, stating every file and
 * reading their stored states after its modules had loaded, while the second core sat idle. Here
 * a thread reads the stored states from the SQLite file, and walks and stats the files once the
 * claude dirs are watched, while this thread loads the server (0.3-0.4 s). Watching before the
 * walk keeps the order the start-up read relies on: a file appended or created after it is
 * stated is reported by its tree. On PostgreSQL (several nodes, leases decide which dirs a node
 * reads) nothing starts early, nor where the compiled worker is missing (the sources, in tests).
 */
export function startEarly(config: Config, options: { poll?: boolean; recentSinceMs: number; onError: (error: Error, what: string) => void }): EarlyStart | null {
  if (config.databaseUrl || !canPlanInThread()) return null;
  // The thread starts first (it takes 0.1 s to start and read the stored files) and walks once told the trees are up.
  const watching = new Int32Array(new SharedArrayBuffer(4));
  const thread = startPlanThread({ claudeDirs: config.claudeDirs, dataDir: config.dataDir, recentSinceMs: options.recentSinceMs, watching: watching.buffer });
  let closed = false;
  // A plan that failed is made again by the start-up read itself (backfill.ts), after the modules.
  const plan = thread.plan.catch((error: Error) => {
    if (!closed) options.onError(error, 'planning the start-up read ahead failed: planned once the server is loaded instead');
    return null;
  });
  const heldTrees = new Map<string, HeldTree>();
  try {
    for (const dir of config.claudeDirs) heldTrees.set(dir, holdTree(projectsDir(dir), { poll: options.poll, onError: (error) => options.onError(error, 'watch error') }));
  } catch (error) {
    closed = true;
    for (const tree of heldTrees.values()) tree.close();
    thread.stop();
    throw error;
  }
  Atomics.store(watching, 0, 1);
  Atomics.notify(watching, 0);
  return {
    heldTrees,
    plan,
    close() {
      closed = true; // a planner stopped here is not a failure to report
      for (const tree of heldTrees.values()) tree.close();
      heldTrees.clear();
      thread.stop();
    },
  };
}
