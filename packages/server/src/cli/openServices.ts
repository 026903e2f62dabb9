import { loadPriceBook } from '../config/prices.js';
import type { Config } from '../config/config.js';
import type { IngestContext } from '../ingest/ingestSource.js';
import { openStore, type StoreSpec } from '../store/openStore.js';
import type { BackgroundCheckpoints } from '../store/sqlite/walCheckpointer.js';
import type { Store } from '../store/repository.js';

export interface Services {
  /** The whole store: the command reads and closes it; `ctx` writes to it. */
  store: Store;
  ctx: IngestContext;
  storeSpec: StoreSpec;
}

/** Builds the adapters a command needs from its config (`background`: see openStore). */
export async function openServices(config: Config, background?: BackgroundCheckpoints): Promise<Services> {
  const storeSpec = storeSpecOf(config);
  const store = await openStore(storeSpec, background);
  return { store, ctx: { store, prices: loadPriceBook(config.pricesFile, config.dataDir) }, storeSpec };
}

/** PostgreSQL when a database URL is configured, else the SQLite file in the data dir. */
export function storeSpecOf(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'maxDbBytes'>): StoreSpec {
  return config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', dataDir: config.dataDir, maxBytes: config.maxDbBytes };
}
