import { openPostgresStore } from './postgres/postgresStore.js';
import type { Store } from './repository.js';
import { openSqliteStore } from './sqlite/sqliteStore.js';
import type { BackgroundCheckpoints } from './sqlite/walCheckpointer.js';

/** Which store to open: plain data, so that a worker thread can open its own connection. */
export type StoreSpec = { kind: 'sqlite'; dataDir: string; readOnly?: boolean; maxBytes?: number | null; cacheBytes?: number } | { kind: 'postgres'; url: string };

/** `background`: the embedded store's WAL checkpoints on a thread of their own (serve's writer; not a spec, which workers share). */
export function openStore(spec: StoreSpec, background?: BackgroundCheckpoints): Store {
  return spec.kind === 'postgres' ? openPostgresStore(spec.url) : openSqliteStore(spec.dataDir, { readOnly: spec.readOnly, maxBytes: spec.maxBytes, cacheBytes: spec.cacheBytes, background });
}
