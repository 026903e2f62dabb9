import fs from 'node:fs';
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

/** The shipped table (USD per million tokens), with a user's file merged over it per model. */
export function loadPriceBook(userFile: string | null): PriceBook {
  const tables: PriceTable[] = [readTable(BUILT_IN, 'built-in price table')];
  if (userFile) tables.push(readTable(userFile, userFile));
  return createPriceBook(...tables);
}

function readTable(file: URL | string, label: string): PriceTable {
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
