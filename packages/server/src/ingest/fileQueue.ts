import type { TranscriptFile } from './discover.js';
import { groupCommits } from './groupCommits.js';
import type { IngestContext } from './ingestSource.js';
import { retryBackoff } from './retryBackoff.js';

export interface FileQueue {
  /**
   * Reads what is new in the file: now, or right after the read in flight. Resolves when a read
   * that began after this call has finished; never rejects (errors go to `onError`).
   */
  read(file: TranscriptFile): Promise<void>;
  /** Resolves when no read is in flight or queued. */
  idle(): Promise<void>;
  /** Stops retrying failed reads. */
  close(): void;
}

interface Slot {
  running?: Promise<void>;
  /** The next read, not begun yet: every caller in the meantime shares it. */
  queued?: Promise<void>;
}

/**
 * The watcher's rule for files it is handed rather than finds (remote mirrors): reads of one
 * file never overlap, and a request during a read makes exactly one more read. A read that
 * fails (the database unreachable) is tried again, sooner at first, then every 5 s: the mirror
 * holds the bytes, nothing is lost while the store is away. The reads commit in groups, as the
 * watcher's do: an ingest request's files committed one by one were far slower (docs/ingest.md,
 * "Group commits").
 */
export function fileQueue(ctx: IngestContext, onError: (error: Error) => void, { commitSpacingMs = 0 } = {}): FileQueue {
  const slots = new Map<string, Slot>();
  const retries = retryBackoff();
  const commits = groupCommits(ctx, { remember: false, spacingMs: commitSpacingMs });

  const queue: FileQueue = {
    read(file) {
      let slot = slots.get(file.absPath);
      if (!slot) slots.set(file.absPath, (slot = {}));
      if (slot.queued) return slot.queued;
      const own = slot;
      const run: Promise<void> = (own.running ?? Promise.resolve()).then(async () => {
        if (own.queued === run) own.queued = undefined;
        own.running = run;
        try {
          await commits.read(file);
          retries.succeeded(file.absPath);
        } catch (error) {
          onError(error as Error);
          retries.failed(file.absPath, () => void queue.read(file));
        }
        if (!own.queued) slots.delete(file.absPath);
      });
      if (own.running) own.queued = run;
      else own.running = run;
      return run;
    },
    async idle() {
      while (slots.size > 0) await Promise.all([...slots.values()].flatMap((slot) => [slot.running, slot.queued]));
    },
    close() {
      retries.close();
    },
  };
  return queue;
}
