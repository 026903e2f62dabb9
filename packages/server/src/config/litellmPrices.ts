import type { ModelPrice, PriceTable } from '../core/pricing.js';

// LiteLLM's model_prices_and_context_window.json (MIT, BerriAI; USD per token) turned into our
// table (USD per million tokens), corrected by Anthropic's published prices where LiteLLM is
// wrong or silent. Used by scripts/build-prices.mjs (the shipped table) and `claudelens prices
// update` (a refreshed table in the data dir), so that both read the source the same way.

export const LITELLM_PRICES_URL = 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json';

type Row = Record<string, unknown> & {
  litellm_provider?: unknown;
  provider_specific_entry?: Record<string, unknown>;
  search_context_cost_per_query?: Record<string, unknown>;
};

const perMTok = (perToken: unknown): number | undefined => (typeof perToken === 'number' ? Math.round(perToken * 1e6 * 1e6) / 1e6 : undefined);
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

// Rows copied from Anthropic's pricing page (input, 5m write, 1h write, read, output): LiteLLM gets
// the 1h write wrong for Claude 3 Haiku/Opus and has no direct Claude 3.5 entries.
const sonnet3 = [3, 3.75, 6, 0.3, 15] as const;
const haiku35 = [0.8, 1, 1.6, 0.08, 4] as const;
const OFFICIAL: Record<string, readonly [number, number, number, number, number]> = {
  'claude-3-5-sonnet-20240620': sonnet3,
  'claude-3-5-sonnet-20241022': sonnet3,
  'claude-3-5-sonnet-latest': sonnet3,
  'claude-3-5-haiku-20241022': haiku35,
  'claude-3-5-haiku-latest': haiku35,
  'claude-3-haiku-20240307': [0.25, 0.3, 0.5, 0.03, 1.25],
  'claude-3-opus-20240229': [15, 18.75, 30, 1.5, 75],
};
// Anthropic's support article on US-only inference: 1.1x "for Claude Opus 4.6, Claude Sonnet 4.6,
// and later models"; LiteLLM lacks it for Sonnet 4.6.
const US_ONLY_SONNET_4_6 = /^claude-sonnet-4-6(?:-\d{8})?$/;

/** The Anthropic `claude-*` models of a LiteLLM table, sorted by id. */
export function tableFromLitellm(litellm: unknown): PriceTable {
  if (typeof litellm !== 'object' || litellm === null || Array.isArray(litellm)) throw new Error('not a LiteLLM price table (expected a JSON object of models)');
  const models: Record<string, ModelPrice> = {};
  for (const [key, value] of Object.entries(litellm as Record<string, unknown>)) {
    const price = priceOf(key, value as Row);
    if (price) models[key] = price;
  }
  // A wrong file or a changed format: better no table than the seven corrections alone.
  if (Object.keys(models).length === 0) throw new Error('no Anthropic claude-* models in it');
  for (const [key, [input, cacheWrite5m, cacheWrite1h, cacheRead, output]] of Object.entries(OFFICIAL)) {
    models[key] = { ...models[key], input, output, cacheWrite5m, cacheWrite1h, cacheRead };
  }
  for (const [key, price] of Object.entries(models)) if (US_ONLY_SONNET_4_6.test(key)) price.usOnlyMultiplier ??= 1.1;
  return { models: Object.fromEntries(Object.entries(models).sort(([a], [b]) => a.localeCompare(b))) };
}

function priceOf(key: string, row: Row): ModelPrice | undefined {
  if (typeof row !== 'object' || row === null || row.litellm_provider !== 'anthropic' || !key.startsWith('claude-')) return undefined;
  const input = perMTok(row.input_cost_per_token);
  const output = perMTok(row.output_cost_per_token);
  if (input === undefined || output === undefined) return undefined;
  const price: ModelPrice = {
    input,
    output,
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
  return price;
}
