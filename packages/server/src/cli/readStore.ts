import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type Config } from '../config/config.js';
import type { ReportReads } from '../store/readModel.js';
import type { Store } from '../store/repository.js';

/**
 * The store a report reads: never created by reading it (a mistyped --data-dir says so instead of
 * printing an empty report), and read-only when the data dir may not be written.
 */
export async function openReadStore(config: Config): Promise<ReportReads & Pick<Store, 'close'>> {
  const { openStore } = await import('../store/openStore.js');
  if (config.databaseUrl) {
    const { storeSpecOf } = await import('./openServices.js');
    return openStore(storeSpecOf(config));
  }
  const { DATABASE_FILE } = await import('../store/sqlite/openDatabase.js');
  if (!fs.existsSync(path.join(config.dataDir, DATABASE_FILE))) {
    throw new UsageError(`no ClaudeLens data in ${config.dataDir} (run import or serve first)`);
  }
  return openStore({ kind: 'sqlite', dataDir: config.dataDir, readOnly: !writable(config.dataDir) });
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
