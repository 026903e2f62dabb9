import type { Store } from './repository.js';
import { openSqliteStore } from './sqlite/sqliteStore.js';

/** Which store to open: plain data, so that a worker thread can open its own connection. */
export type StoreSpec = { kind: 'sqlite'; dataDir: string };

export function openStore(spec: StoreSpec): Store {
  return openSqliteStore(spec.dataDir);
}
