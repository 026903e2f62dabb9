import type { Usage } from './usage.js';

/** USD per million tokens. */
export interface Rates {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ModelPrice extends Rates {
  /** Anthropic bills a whole request at these rates once its prompt exceeds the threshold. */
  longContext?: Rates & { thresholdTokens: number };
  fastMultiplier?: number;
  /** USD per web search (`usage.server_tool_use.web_search_requests`); DEFAULT_WEB_SEARCH_USD when absent. */
  webSearchPerRequest?: number;
  /** What US-only inference (`usage.inference_geo: "us"`) multiplies the token cost by, where Anthropic charges a premium. */
  usOnlyMultiplier?: number;
}

export interface PriceTable {
  models: Record<string, ModelPrice>;
}

export interface PriceBook {
  /** The price of a model id as written in transcripts, or undefined when unknown. */
  lookup(model: string): ModelPrice | undefined;
  /** The merged table, to hand to another thread. */
  readonly table: PriceTable;
}

const PROVIDER_PREFIX = /^(?:anthropic[/.]|(?:us|eu|apac|global|au|jp)\.anthropic\.)/;
const DATE_SUFFIX = /-\d{8}$/;

export function createPriceBook(...tables: PriceTable[]): PriceBook {
  const models: Record<string, ModelPrice> = {};
  for (const table of tables) Object.assign(models, table.models);
  const cache = new Map<string, ModelPrice | undefined>();
  const resolve = (model: string): ModelPrice | undefined => {
    const bare = model.replace(PROVIDER_PREFIX, '');
    return models[model] ?? models[bare] ?? models[bare.replace(DATE_SUFFIX, '')];
  };
  return {
    lookup(model) {
      if (!cache.has(model)) cache.set(model, resolve(model));
      return cache.get(model);
    },
    table: { models },
  };
}

export function promptTokens(usage: Usage): number {
  return usage.input + usage.cacheWrite5m + usage.cacheWrite1h + usage.cacheRead;
}

/** Cost in USD of one request. */
export function costOf(usage: Usage, price: ModelPrice): number {
  const long = price.longContext;
  const rates = long && promptTokens(usage) > long.thresholdTokens ? long : price;
  const cost =
    (usage.input * rates.input +
      usage.output * rates.output +
      usage.cacheWrite5m * rates.cacheWrite5m +
      usage.cacheWrite1h * rates.cacheWrite1h +
      usage.cacheRead * rates.cacheRead) /
    1_000_000;
  return usage.fast && price.fastMultiplier ? cost * price.fastMultiplier : cost;
}

/** Anthropic: web search costs $10 per 1,000 searches on every model (docs/pricing.md has the source). */
export const DEFAULT_WEB_SEARCH_USD = 0.01;

/**
 * What a request adds to the bill beyond its token cost, which is what ccusage reports: server
 * tool fees (web search; web fetch is free beyond its tokens) and the US-only inference premium.
 * Kept apart so that token figures stay comparable with ccusage and the difference is visible.
 */
export interface ExtraCharges {
  serverTools: number;
  dataResidency: number;
}

export function extraChargesOf(usage: Usage, tokenCost: number, price: ModelPrice | undefined): ExtraCharges {
  const serverTools = usage.webSearchRequests * (price?.webSearchPerRequest ?? DEFAULT_WEB_SEARCH_USD);
  const multiplier = usage.inferenceGeo === 'us' ? price?.usOnlyMultiplier : undefined;
  return { serverTools, dataResidency: multiplier ? tokenCost * (multiplier - 1) : 0 };
}
