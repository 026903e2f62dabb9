const FIRST_MS = 250;
const MAX_MS = 5_000;

export interface RetryBackoff {
  /** Runs `again` for `key` after 250 ms, doubling with each failure in a row, at most every 5 s. */
  failed(key: string, again: () => void): void;
  /** The key's read went through: its next failure starts from 250 ms again. */
  succeeded(key: string): void;
  /** Cancels every pending retry, for good. */
  close(): void;
}

/**
 * Reads that failed (the database unreachable) committed nothing and moved no offset: the file
 * or the shipped mirror holds the lines, so they are read again, sooner at first, then every 5 s.
 */
export function retryBackoff(): RetryBackoff {
  const failures = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  return {
    failed(key, again) {
      if (closed) return;
      const attempt = (failures.get(key) ?? 0) + 1;
      failures.set(key, attempt);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!closed) again();
      }, Math.min(FIRST_MS * 2 ** (attempt - 1), MAX_MS));
      timer.unref?.();
      timers.add(timer);
    },
    succeeded(key) {
      failures.delete(key);
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
