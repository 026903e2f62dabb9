import { describe, expect, it } from 'vitest';
import { costOf, createPriceBook, DEFAULT_WEB_SEARCH_USD, extraChargesOf, type ModelPrice } from './pricing.js';
import { ZERO_USAGE } from './usage.js';

const sonnet: ModelPrice = {
  input: 3,
  output: 15,
  cacheWrite5m: 3.75,
  cacheWrite1h: 6,
  cacheRead: 0.3,
  longContext: { thresholdTokens: 200_000, input: 6, output: 22.5, cacheWrite5m: 7.5, cacheWrite1h: 12, cacheRead: 0.6 },
};
const opus: ModelPrice = { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5, fastMultiplier: 6 };

describe('price book', () => {
  const book = createPriceBook({ models: { 'claude-sonnet-4-20250514': sonnet, 'claude-opus-4-7': opus } });

  it('finds a model by its exact id, without a date suffix, or behind a provider prefix', () => {
    expect(book.lookup('claude-sonnet-4-20250514')).toBe(sonnet);
    expect(book.lookup('claude-opus-4-7-20260416')).toBe(opus);
    expect(book.lookup('anthropic/claude-opus-4-7')).toBe(opus);
    expect(book.lookup('us.anthropic.claude-opus-4-7')).toBe(opus);
  });

  it('knows nothing of a model it has no price for', () => {
    expect(book.lookup('claude-unknown-9')).toBeUndefined();
    expect(book.lookup('<synthetic>')).toBeUndefined();
  });

  it('lets a later table override a model', () => {
    const cheaper = { ...opus, input: 1 };
    expect(createPriceBook({ models: { 'claude-opus-4-7': opus } }, { models: { 'claude-opus-4-7': cheaper } }).lookup('claude-opus-4-7')).toBe(cheaper);
  });
});

describe('costOf', () => {
  it('prices each token kind, 5m and 1h cache writes separately', () => {
    const usage = { ...ZERO_USAGE, input: 1_000_000, output: 1_000_000, cacheWrite5m: 1_000_000, cacheWrite1h: 1_000_000, cacheRead: 1_000_000 };
    expect(costOf(usage, opus)).toBeCloseTo(5 + 25 + 6.25 + 10 + 0.5, 12);
  });

  it('bills the whole request at long-context rates once the prompt exceeds 200k tokens', () => {
    const under = { ...ZERO_USAGE, input: 100_000, cacheRead: 100_000, output: 1000 };
    const over = { ...under, input: 100_001 };
    expect(costOf(under, sonnet)).toBeCloseTo((100_000 * 3 + 100_000 * 0.3 + 1000 * 15) / 1e6, 12);
    expect(costOf(over, sonnet)).toBeCloseTo((100_001 * 6 + 100_000 * 0.6 + 1000 * 22.5) / 1e6, 12);
  });

  it('applies the fast-mode multiplier only to fast requests', () => {
    const usage = { ...ZERO_USAGE, output: 1_000_000 };
    expect(costOf(usage, opus)).toBeCloseTo(25, 12);
    expect(costOf({ ...usage, fast: true }, opus)).toBeCloseTo(150, 12);
  });
});

describe('extraChargesOf', () => {
  const usOpus: ModelPrice = { ...opus, webSearchPerRequest: 0.01, usOnlyMultiplier: 1.1 };

  it('charges each web search, and nothing for web fetches', () => {
    const usage = { ...ZERO_USAGE, webSearchRequests: 3, webFetchRequests: 5 };
    expect(extraChargesOf(usage, 1, usOpus)).toEqual({ serverTools: 0.03, dataResidency: 0 });
  });

  it('charges searches at the published rate on a model the table knows nothing of', () => {
    expect(extraChargesOf({ ...ZERO_USAGE, webSearchRequests: 2 }, 0, undefined).serverTools).toBe(2 * DEFAULT_WEB_SEARCH_USD);
  });

  it('adds the US-only premium on the token cost where the model has one, and only for "us"', () => {
    expect(extraChargesOf({ ...ZERO_USAGE, inferenceGeo: 'us' }, 2, usOpus).dataResidency).toBeCloseTo(0.2, 12);
    expect(extraChargesOf({ ...ZERO_USAGE, inferenceGeo: 'global' }, 2, usOpus).dataResidency).toBe(0);
    expect(extraChargesOf({ ...ZERO_USAGE, inferenceGeo: 'us' }, 2, opus).dataResidency).toBe(0);
  });
});
