import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../lib/queryKeys';
import { usageLimitsKey } from '../limits/useUsageLimits';
import { createUsageFollow } from './usageFollow';

// Which usage queries new lines read again, and how soon: a range reaching today within a second,
// whole-history reads (all time, 5-hour blocks) within 10 s, a range in the past never.

const NOW = Date.parse('2026-03-10T12:00:00Z');
const tz = 'Europe/Paris';
const KEYS = {
  today: queryKeys.usage({ from: '2026-03-10', to: '2026-03-10', tz, group: 'day' }),
  week: queryKeys.usage({ from: '2026-03-04', to: '2026-03-10', tz, group: 'day' }),
  past: queryKeys.usage({ from: '2026-02-01', to: '2026-02-28', tz, group: 'day' }),
  blocks: queryKeys.usage({ from: '2026-03-10', to: '2026-03-10', tz, group: 'block' }),
  allTime: queryKeys.usage({ tz, group: 'month' }),
  limits: usageLimitsKey,
};

let client: QueryClient;
const invalidated = () => Object.entries(KEYS).filter(([, key]) => client.getQueryState(key)?.isInvalidated).map(([name]) => name);

describe('createUsageFollow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    // No garbage-collection timers: the only timers left are the follow's.
    client = new QueryClient({ defaultOptions: { queries: { gcTime: Infinity } } });
    for (const key of Object.values(KEYS)) client.setQueryData(key, {});
  });
  afterEach(() => {
    client.clear();
    vi.useRealTimers();
  });

  it('reads again the ranges that reach today a second after a burst of lines, the whole history 10 s after', () => {
    const follow = createUsageFollow(client, () => NOW);
    for (let i = 0; i < 20; i++) follow.onLines();
    vi.advanceTimersByTime(999);
    expect(invalidated()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(invalidated()).toEqual(['today', 'week']);
    vi.advanceTimersByTime(9_000);
    expect(invalidated()).toEqual(['today', 'week', 'blocks', 'allTime']);
  });

  it('"today" is the query\'s own zone\'s: just after midnight in Paris, a range ending the day before is past', () => {
    const follow = createUsageFollow(client, () => Date.parse('2026-03-10T23:30:00Z'));
    follow.onLines();
    vi.advanceTimersByTime(10_000);
    expect(invalidated()).toEqual(['allTime']);
  });

  it('leaves no timer behind once cancelled', () => {
    const follow = createUsageFollow(client, () => NOW);
    follow.onLines();
    follow.cancel();
    vi.advanceTimersByTime(60_000);
    expect(invalidated()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
