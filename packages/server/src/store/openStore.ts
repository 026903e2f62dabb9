import { openPostgresStore } from './postgres/postgresStore.js';
import type { Store } from './repository.js';
import { openSqliteStore } from './sqlite/sqliteStore.js';

/** Which store to open: plain data, so that a worker thread can open its own connection. */
export type StoreSpec = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string };

/** `outboxNode`: this node's name, when its commits go out on a shared bus (PostgreSQL only; see Store.sweepOutbox). */
export function openStore(spec: StoreSpec, { outboxNode }: { outboxNode?: string } = {}): Store {
  return spec.kind === 'postgres' ? openPostgresStore(spec.url, { outboxNode }) : openSqliteStore(spec.dataDir);
}
