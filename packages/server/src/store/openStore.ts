import type { Store } from './repository.js';
import type { BackgroundCheckpoints } from './sqlite/walCheckpointer.js';

/** Which store to open: plain data, so that a worker thread can open its own connection. */
export type StoreSpec = { kind: 'sqlite'; dataDir: string; readOnly?: boolean; maxBytes?: number | null; cacheBytes?: number } | { kind: 'postgres'; url: string };

/**
 * `background`: the embedded store's WAL checkpoints on a thread of their own (serve's writer; not
 * a spec, which workers share). Only the driver asked for is loaded: the PostgreSQL driver's
 * modules (pg among them) took tens of ms of every SQLite start, in `serve`, `import` and each
 * backfill worker alike.
 */
export async function openStore(spec: StoreSpec, background?: BackgroundCheckpoints): Promise<Store> {
  if (spec.kind === 'postgres') return (await import('./postgres/postgresStore.js')).openPostgresStore(spec.url);
  const { openSqliteStore } = await import('./sqlite/sqliteStore.js');
  return openSqliteStore(spec.dataDir, { readOnly: spec.readOnly, maxBytes: spec.maxBytes, cacheBytes: spec.cacheBytes, background });
}
