import type { UsagePeriod, UsageSlice } from '@claudelens/protocol';
import { describe, expect, it } from 'vitest';
import { OTHER, stackKeys, stackLayers } from './stackByModel';

const slice = (key: string, cost: number): UsageSlice => ({ key, cost, requests: 1, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0 });
const period = (start: string, models: UsageSlice[]): UsagePeriod => ({
  period: start.slice(0, 10), start, end: start, models, projects: [], requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0,
  cost: models.reduce((n, m) => n + m.cost, 0),
});

describe('stacked cost layers', () => {
  it('stacks each period\'s cost, the first key at the bottom, the top layer equal to the period\'s cost', () => {
    const periods = [period('2026-03-01T00:00:00.000Z', [slice('opus', 3), slice('haiku', 1)]), period('2026-03-02T00:00:00.000Z', [slice('haiku', 2)])];
    const { xs, layers } = stackLayers(periods, 'models', ['opus', 'haiku']);
    expect(xs).toEqual([Date.parse('2026-03-01T00:00:00Z') / 1000, Date.parse('2026-03-02T00:00:00Z') / 1000]);
    expect(layers).toEqual([{ key: 'opus', top: [3, 0] }, { key: 'haiku', top: [4, 2] }]);
    expect(layers.at(-1)?.top).toEqual(periods.map((p) => p.cost));
  });

  it('puts what is past seven colours in one "other" layer', () => {
    const slices = Array.from({ length: 9 }, (_, i) => slice(`m${i}`, 9 - i));
    const keys = stackKeys(slices);
    expect(keys).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', OTHER]);
    const { layers } = stackLayers([period('2026-03-01T00:00:00.000Z', slices)], 'models', keys);
    expect(layers.at(-1)).toEqual({ key: OTHER, top: [45] });
    expect(layers.at(-2)?.top).toEqual([45 - (3 + 2 + 1)]);
  });
});
