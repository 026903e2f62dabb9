import { openPostgresStore } from './postgres/postgresStore.js';
import type { Store } from './repository.js';
import { openSqliteStore } from './sqlite/sqliteStore.js';

/** Which store to open: plain data, so that a worker thread can open its own connection. */
export type StoreSpec = { kind: 'sqlite'; dataDir: string; readOnly?: boolean; maxBytes?: number | null } | { kind: 'postgres'; url: string };

export function openStore(spec: StoreSpec): Store {
  return spec.kind === 'postgres' ? openPostgresStore(spec.url) : openSqliteStore(spec.dataDir, { readOnly: spec.readOnly, maxBytes: spec.maxBytes });
}
