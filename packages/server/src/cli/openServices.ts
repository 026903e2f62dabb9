import { loadPriceBook } from '../config/prices.js';
import type { Config } from '../config/config.js';
import type { IngestContext } from '../ingest/ingestFile.js';
import { openStore, type StoreSpec } from '../store/openStore.js';

export interface Services {
  ctx: IngestContext;
  storeSpec: StoreSpec;
}

/** Builds the adapters a command needs from its config. */
export function openServices(config: Config): Services {
  const storeSpec: StoreSpec = { kind: 'sqlite', dataDir: config.dataDir };
  return { ctx: { store: openStore(storeSpec), prices: loadPriceBook(config.pricesFile) }, storeSpec };
}
