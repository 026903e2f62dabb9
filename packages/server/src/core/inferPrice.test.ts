import { describe, expect, it } from 'vitest';
import { inferPrice } from './inferPrice.js';
import { createPriceBook, type ModelPrice } from './pricing.js';

const p = (input: number): ModelPrice => ({ input, output: input * 5, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2, cacheRead: input / 10 });
const book = createPriceBook({
  models: { 'claude-opus-4-1-20250805': p(15), 'claude-opus-4-7': p(5), 'claude-opus-4-7-20260416': p(5), 'claude-3-5-haiku-20241022': p(0.8), 'claude-haiku-4-5': p(1) },
});

describe('inferPrice', () => {
  it('prices an unknown version like the nearest version of its family', () => {
    expect(inferPrice('claude-opus-4-9', book)).toEqual({ price: p(5), basis: 'claude-opus-4-7' });
    expect(inferPrice('claude-opus-4-2-20250901', book)?.basis).toBe('claude-opus-4-1-20250805');
    expect(inferPrice('claude-haiku-3-9', book)?.basis).toBe('claude-3-5-haiku-20241022');
  });

  it('knows nothing of a family the table does not have, or of what is not a Claude model id', () => {
    expect(inferPrice('claude-fable-5', book)).toBeUndefined();
    expect(inferPrice('gpt-5', book)).toBeUndefined();
    expect(inferPrice('<synthetic>', book)).toBeUndefined();
  });
});
