#!/usr/bin/env node
// Builds packages/server/data/prices.json (USD per million tokens) from LiteLLM's table,
// corrected by Anthropic's official table. Run by a developer when prices change:
//   node scripts/build-prices.mjs ../shared/pricing/model_prices_and_context_window.json
import fs from 'node:fs';

const [source = '../shared/pricing/model_prices_and_context_window.json'] = process.argv.slice(2);
const litellm = JSON.parse(fs.readFileSync(source, 'utf8'));
const perMTok = (perToken) => (typeof perToken === 'number' ? Math.round(perToken * 1e6 * 1e6) / 1e6 : undefined);

// Official multipliers (platform pricing page): 5m write 1.25x input, 1h write 2x input,
// read 0.1x input. LiteLLM gets the 1h write wrong for some older models and lacks others.
// Rows are copied from the official table: input, 5m write, 1h write, read, output.
const sonnet3 = [3, 3.75, 6, 0.3, 15];
const haiku35 = [0.8, 1, 1.6, 0.08, 4];
const official = {
  'claude-3-5-sonnet-20240620': sonnet3,
  'claude-3-5-sonnet-20241022': sonnet3,
  'claude-3-5-sonnet-latest': sonnet3,
  'claude-3-5-haiku-20241022': haiku35,
  'claude-3-5-haiku-latest': haiku35,
  'claude-3-haiku-20240307': [0.25, 0.3, 0.5, 0.03, 1.25],
  'claude-3-opus-20240229': [15, 18.75, 30, 1.5, 75],
};

const fromOfficial = ([input, cacheWrite5m, cacheWrite1h, cacheRead, output]) => ({
  input, output, cacheWrite5m, cacheWrite1h, cacheRead,
});
function round(n) { return Math.round(n * 1e6) / 1e6; }

const models = {};
for (const [key, row] of Object.entries(litellm)) {
  if (row?.litellm_provider !== 'anthropic' || !key.startsWith('claude-')) continue;
  if (typeof row.input_cost_per_token !== 'number' || typeof row.output_cost_per_token !== 'number') continue;
  const input = perMTok(row.input_cost_per_token);
  const price = {
    input,
    output: perMTok(row.output_cost_per_token),
    cacheWrite5m: perMTok(row.cache_creation_input_token_cost) ?? round(input * 1.25),
    cacheWrite1h: perMTok(row.cache_creation_input_token_cost_above_1hr) ?? round(input * 2),
    cacheRead: perMTok(row.cache_read_input_token_cost) ?? round(input * 0.1),
  };
  const longInput = perMTok(row.input_cost_per_token_above_200k_tokens);
  if (longInput !== undefined) {
    price.longContext = {
      thresholdTokens: 200_000,
      input: longInput,
      output: perMTok(row.output_cost_per_token_above_200k_tokens) ?? price.output,
      cacheWrite5m: perMTok(row.cache_creation_input_token_cost_above_200k_tokens) ?? round(longInput * 1.25),
      cacheWrite1h: round(longInput * 2),
      cacheRead: perMTok(row.cache_read_input_token_cost_above_200k_tokens) ?? round(longInput * 0.1),
    };
  }
  const fast = row.provider_specific_entry?.fast;
  if (typeof fast === 'number') price.fastMultiplier = fast;
  // Charges beyond tokens (docs/pricing.md): the fee per web search, and US-only inference.
  const search = row.search_context_cost_per_query?.search_context_size_medium;
  if (typeof search === 'number') price.webSearchPerRequest = search;
  const us = row.provider_specific_entry?.us;
  if (typeof us === 'number') price.usOnlyMultiplier = us;
  models[key] = price;
}
// Anthropic's support article on US-only inference: 1.1x "for Claude Opus 4.6, Claude Sonnet
// 4.6, and later models"; LiteLLM lacks it for Sonnet 4.6.
for (const key of Object.keys(models)) {
  if (/^claude-sonnet-4-6(?:-\d{8})?$/.test(key)) models[key].usOnlyMultiplier ??= 1.1;
}
for (const [key, base] of Object.entries(official)) {
  models[key] = { ...models[key], ...fromOfficial(base) };
}

const sorted = Object.fromEntries(Object.entries(models).sort(([a], [b]) => a.localeCompare(b)));
const out = {
  unit: 'USD per million tokens',
  source: 'LiteLLM model_prices_and_context_window.json (MIT, BerriAI), corrected by Anthropic official prices',
  models: sorted,
};
fs.writeFileSync(new URL('../packages/server/data/prices.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${Object.keys(sorted).length} models`);
