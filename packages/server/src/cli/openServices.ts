import { loadPriceBook } from '../config/prices.js';
import type { Config } from '../config/config.js';
import type { IngestContext } from '../ingest/ingestFile.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';

/** Builds the adapters a command needs from its config. */
export function openIngestContext(config: Config): IngestContext {
  return { store: openSqliteStore(config.dataDir), prices: loadPriceBook(config.pricesFile) };
}
