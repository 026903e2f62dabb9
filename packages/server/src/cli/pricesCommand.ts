import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import { LITELLM_PRICES_URL, tableFromLitellm } from '../config/litellmPrices.js';
import { readTable, refreshedPricesFile, shippedPriceTable } from '../config/prices.js';
import { priceChanges, type PriceChanges } from '../core/priceChanges.js';
import type { ModelPrice, PriceTable } from '../core/pricing.js';

interface UpdateOptions extends CommonOptions {
  from?: string;
  json?: boolean;
}

const FETCH_TIMEOUT_MS = 30_000;

export function pricesCommand(): Command {
  const prices = new Command('prices').description('the price table costs are computed with');
  prices
    .command('update')
    .description("refresh the price table from LiteLLM's published JSON into the data dir (the shipped table stays the fallback, --prices overrides stay on top)")
    .option('--from <url|file>', `where to read LiteLLM's model_prices_and_context_window.json (default ${LITELLM_PRICES_URL})`)
    .addOption(new Option('--data-dir <dir>', 'where ClaudeLens keeps its data (default ~/.claudelens)').env('CLAUDELENS_DATA_DIR'))
    .addOption(new Option('--prices <file>', 'your own price file, merged over the refreshed table when costs are computed').env('CLAUDELENS_PRICES'))
    .option('--json', 'print the changes as JSON')
    .action(async (options: UpdateOptions) => {
      const config = resolveConfig(options, process.env, false);
      const from = options.from ?? LITELLM_PRICES_URL;
      let table: PriceTable;
      try {
        table = tableFromLitellm(JSON.parse(await readSource(from)));
      } catch (error) {
        throw new UsageError(`cannot read prices from ${from}: ${(error as Error).message}; the price table is unchanged`);
      }
      const target = refreshedPricesFile(config.dataDir);
      const previous = fs.existsSync(target) ? readTable(target, target) : shippedPriceTable();
      const changes = priceChanges(previous, table);
      fs.mkdirSync(config.dataDir, { recursive: true });
      const body = { unit: 'USD per million tokens', source: from, fetchedAt: new Date().toISOString(), models: table.models };
      fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(body, null, 1)}\n`);
      fs.renameSync(`${target}.tmp`, target);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ file: target, models: Object.keys(table.models).length, ...changes }, null, 2)}\n`);
      } else {
        process.stdout.write(summary(target, table, changes, config.pricesFile));
      }
    });
  return prices;
}

async function readSource(from: string): Promise<string> {
  if (!/^https?:\/\//i.test(from)) return fs.readFileSync(path.resolve(from), 'utf8');
  const response = await fetch(from, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

function summary(target: string, table: PriceTable, changes: PriceChanges, userFile: string | null): string {
  const lines = [`wrote ${Object.keys(table.models).length} models to ${target}`];
  if (changes.added.length + changes.removed.length + changes.changed.length === 0) lines.push('no model changed');
  for (const model of changes.added) lines.push(`  added    ${model}  ${rates(table.models[model] as ModelPrice)}`);
  for (const model of changes.removed) lines.push(`  removed  ${model}  (still priced by the shipped table if it has it)`);
  for (const c of changes.changed) lines.push(`  changed  ${c.model}  ${rates(c.before)}  ->  ${rates(c.after)}`);
  if (userFile) lines.push(`your prices in ${userFile} still apply on top`);
  lines.push('costs are computed when lines are stored: import into a fresh --data-dir to re-price a history');
  return `${lines.join('\n')}\n`;
}

/** USD per million tokens, in the order of Anthropic's pricing table. */
function rates(p: ModelPrice): string {
  const extras = [p.fastMultiplier ? `fast x${p.fastMultiplier}` : '', p.usOnlyMultiplier ? `us x${p.usOnlyMultiplier}` : '', p.webSearchPerRequest !== undefined ? `search $${p.webSearchPerRequest}` : ''].filter(Boolean);
  return `in ${p.input} / 5m ${p.cacheWrite5m} / 1h ${p.cacheWrite1h} / read ${p.cacheRead} / out ${p.output}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}
