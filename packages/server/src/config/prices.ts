import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createPriceBook, type PriceBook, type PriceTable } from '../core/pricing.js';
import { UsageError } from './config.js';

const rates = { input: z.number().nonnegative(), output: z.number().nonnegative(), cacheWrite5m: z.number().nonnegative(), cacheWrite1h: z.number().nonnegative(), cacheRead: z.number().nonnegative() };
const PriceTableSchema = z.object({
  models: z.record(
    z.string(),
    z.object({
      ...rates,
      longContext: z.object({ ...rates, thresholdTokens: z.number().int().positive() }).optional(),
      fastMultiplier: z.number().positive().optional(),
      webSearchPerRequest: z.number().nonnegative().optional(),
      usOnlyMultiplier: z.number().positive().optional(),
    }),
  ),
});

const BUILT_IN = new URL('../../data/prices.json', import.meta.url);

/** Where `claudelens prices update` keeps the table it fetched. */
export function refreshedPricesFile(dataDir: string): string {
  return path.join(dataDir, 'prices.json');
}

/**
 * The shipped table (USD per million tokens); over it, model by model, the table `claudelens
 * prices update` wrote into the data dir, if any; over both, the user's own file.
 */
export function loadPriceBook(userFile: string | null, dataDir: string | null = null): PriceBook {
  const tables: PriceTable[] = [shippedPriceTable()];
  const refreshed = dataDir === null ? null : refreshedPricesFile(dataDir);
  if (refreshed !== null && fs.existsSync(refreshed)) tables.push(readTable(refreshed, refreshed));
  if (userFile) tables.push(readTable(userFile, userFile));
  return createPriceBook(...tables);
}

export function shippedPriceTable(): PriceTable {
  return readTable(BUILT_IN, 'built-in price table');
}

export function readTable(file: URL | string, label: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${label}: ${(error as Error).message}`);
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${label}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
