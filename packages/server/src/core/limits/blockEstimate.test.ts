import { describe, expect, it } from 'vitest';
import { currentBlock, type UsagePoint } from './blockEstimate.js';

const T = (h: number, m = 0) => Date.UTC(2026, 0, 2, h, m);
const point = (atMs: number, cost: number, tokens: number): UsagePoint => ({ atMs, cost, tokens });

describe('currentBlock', () => {
  it('starts the block at the hour of its first entry and projects its burn to the end', () => {
    const block = currentBlock([point(T(10, 20), 1, 1000), point(T(11, 20), 2, 2000)], T(11, 20));
    expect(block).toEqual({
      label: 'estimate',
      start: new Date(T(10)).toISOString(),
      end: new Date(T(15)).toISOString(),
      last_activity: new Date(T(11, 20)).toISOString(),
      cost_usd: 3,
      tokens: 3000,
      // 60 minutes from the first entry to now.
      burn_rate: { cost_per_hour: 3, tokens_per_minute: 50 },
      // 220 minutes left at 50 tokens and $0.05 a minute.
      projection: { cost_usd: 14, tokens: 14000 },
    });
  });

  it('starts a new block at the first entry past the end of the last one', () => {
    expect(currentBlock([point(T(1), 1, 1), point(T(6, 30), 2, 2)], T(7))?.start).toBe(new Date(T(6)).toISOString());
    expect(currentBlock([point(T(1), 1, 1), point(T(5, 59), 2, 2)], T(5, 59))).toMatchObject({ start: new Date(T(1)).toISOString(), cost_usd: 3 });
  });

  it('is null when no block runs now, and skips points with no usage', () => {
    expect(currentBlock([point(T(1), 1, 1)], T(6))).toBeNull();
    expect(currentBlock([point(T(1), 0, 0)], T(2))).toBeNull();
    expect(currentBlock([], T(2))).toBeNull();
  });

  it('measures the burn to now, at least over a minute: the first seconds of a block do not project hundreds of dollars', () => {
    const start = T(10, 5);
    expect(currentBlock([point(start, 1, 10)], start + 8000)?.burn_rate).toEqual({ cost_per_hour: 60, tokens_per_minute: 10 });
    // A pause lowers the rate: 30 minutes on, the same dollar is $2/h.
    expect(currentBlock([point(start, 1, 10)], T(10, 35))?.burn_rate).toEqual({ cost_per_hour: 2, tokens_per_minute: 0.33 });
  });
});
