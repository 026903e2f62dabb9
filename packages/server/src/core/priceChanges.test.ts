import { describe, expect, it } from 'vitest';
import { priceChanges } from './priceChanges.js';
import type { ModelPrice } from './pricing.js';

const p = (input: number): ModelPrice => ({ input, output: input * 5, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2, cacheRead: input / 10 });

describe('priceChanges', () => {
  it('lists added, removed and repriced models, ignoring key order', () => {
    const before = { models: { a: p(1), b: p(3), c: p(5) } };
    const reordered = { cacheRead: 0.3, cacheWrite1h: 6, cacheWrite5m: 3.75, output: 15, input: 3 };
    const after = { models: { b: reordered, c: { ...p(5), usOnlyMultiplier: 1.1 }, d: p(2) } };
    const changes = priceChanges(before, after);
    expect(changes.added).toEqual(['d']);
    expect(changes.removed).toEqual(['a']);
    expect(changes.changed.map((c) => c.model)).toEqual(['c']);
  });
});
