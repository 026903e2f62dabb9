import type { TranscriptFile } from './discover.js';
import { ingestFile, type IngestContext } from './ingestFile.js';

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

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

interface Slot {
  running?: Promise<void>;
  /** The next read, not begun yet: every caller in the meantime shares it. */
  queued?: Promise<void>;
}

/**
 * The watcher's rule for files it is handed rather than finds (remote mirrors): reads of one
 * file never overlap, and a request during a read makes exactly one more read. A read that
 * fails (the database unreachable) is tried again, sooner at first, then every 5 s: the mirror
 * holds the bytes, nothing is lost while the store is away.
 */
export function fileQueue(ctx: IngestContext, onError: (error: Error) => void): FileQueue {
  const slots = new Map<string, Slot>();
  const failures = new Map<string, number>();
  const retries = new Set<NodeJS.Timeout>();
  let closed = false;

  const retry = (file: TranscriptFile, queue: FileQueue) => {
    if (closed) return;
    const attempt = (failures.get(file.absPath) ?? 0) + 1;
    failures.set(file.absPath, attempt);
    const timer = setTimeout(() => {
      retries.delete(timer);
      if (!closed) void queue.read(file);
    }, Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS));
    timer.unref?.();
    retries.add(timer);
  };

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
          await ingestFile(ctx, file);
          failures.delete(file.absPath);
        } catch (error) {
          onError(error as Error);
          retry(file, queue);
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
      closed = true;
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
    },
  };
  return queue;
}
