import type { Store } from './repository.js';

/**
 * What a store error means for the server. `fatal`: the database cannot be trusted any more
 * (corrupt, not a database): nothing written from now on would be right, so the process stops
 * and a supervisor restarts it (docs/ingest.md, "Store failures"). `transient`: the database is
 * fine but cannot grow (disk full): ingest pauses, the lines not committed stay in their files,
 * and every read is tried again until a write goes through. Anything else (a lost connection,
 * a busy lock, a moved offset) is handled where it happens, as before.
 */
export type StoreFault = { kind: 'fatal' | 'transient'; reason: string };

// SQLite's extended codes (SQLITE_CORRUPT_INDEX, …) start with the primary code.
const SQLITE_FATAL = ['SQLITE_CORRUPT', 'SQLITE_NOTADB'];
const SQLITE_TRANSIENT = ['SQLITE_FULL'];
// PostgreSQL SQLSTATE: data_corrupted, index_corrupted; disk_full.
const POSTGRES_FATAL = ['XX001', 'XX002'];
const POSTGRES_TRANSIENT = ['53100'];

export function classifyStoreError(error: unknown): StoreFault | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const message = (error as { message?: unknown }).message;
  const reason = `${typeof message === 'string' ? message : 'store error'} (${code})`;
  if (SQLITE_FATAL.some((c) => code.startsWith(c)) || POSTGRES_FATAL.includes(code)) return { kind: 'fatal', reason };
  if (SQLITE_TRANSIENT.some((c) => code.startsWith(c)) || POSTGRES_TRANSIENT.includes(code)) return { kind: 'transient', reason };
  return null;
}

export interface FaultObserver {
  /** Any error a store call raised. */
  failed(error: unknown): void;
  /** A commit went through. */
  wrote(): void;
}

/**
 * The store, with every call's error shown to `observer` (then raised as before) and every
 * commit that went through too: one place sees what the watchers, the remote queue, the API and
 * the alerts each meet. A Proxy, so that a method added to Store is covered without a line here.
 * Its cluster part (leases, outbox) meets the same database and is watched the same way.
 */
export function watchStoreFaults(store: Store, observer: FaultObserver): Store {
  return watchCalls(store, observer);
}

function watchCalls<T extends object>(target: T, observer: FaultObserver): T {
  /** Parts of the store (`cluster`), each watched once, so that a part read twice is one object. */
  const parts = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value === 'object' && value !== null) {
        if (!parts.has(key)) parts.set(key, watchCalls(value, observer));
        return parts.get(key);
      }
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          observer.failed(error);
          throw error;
        }
        if (!(result instanceof Promise)) return result;
        return result.then(
          (done: unknown) => {
            if (key === 'applyBatches') observer.wrote();
            return done;
          },
          (error: unknown) => {
            observer.failed(error);
            throw error;
          },
        );
      };
    },
  });
}
