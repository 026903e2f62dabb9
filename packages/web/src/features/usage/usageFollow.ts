import type { Query, QueryClient } from '@tanstack/react-query';
import { throttle } from '../../lib/throttle';
import { localDate } from './usageRange';

/** A range that ends today trails the stream by at most this (plus a fetch): the Sessions lists' pace. */
const RANGE_REFRESH_MS = 1000;
/** All time and the 5-hour blocks read the whole history up to the range's end: not more often than this. */
const HISTORY_REFRESH_MS = 10_000;

interface UsageKey {
  from?: string;
  to?: string;
  tz: string;
  group: string;
}

function usageKey(query: Query): UsageKey | null {
  const [scope, params] = query.queryKey;
  return scope === 'usage' && typeof params === 'object' && params !== null && 'tz' in params ? (params as UsageKey) : null;
}

/** New lines land today: only a range that reaches today (or has no end) can change. */
export function reachesToday(key: UsageKey, now: number): boolean {
  return key.to === undefined || key.to >= localDate(now, key.tz);
}

/** Reads every request up to the range's end (blocks depend on all before them), not one range's. */
export function readsWholeHistory(key: UsageKey): boolean {
  return key.group === 'block' || key.from === undefined;
}

/**
 * The Usage page follows the activity stream as the Sessions and Projects lists do: after new
 * lines, the usage queries a page shows (TanStack refetches only those with an observer) whose
 * range reaches today are read again, within a second; the whole-history reads every 10 s.
 */
export function createUsageFollow(queryClient: QueryClient, now: () => number = Date.now) {
  const refresh = (wholeHistory: boolean) => () =>
    void queryClient.invalidateQueries({
      predicate: (query) => {
        const key = usageKey(query);
        return key !== null && readsWholeHistory(key) === wholeHistory && reachesToday(key, now());
      },
    });
  const ranges = throttle(refresh(false), RANGE_REFRESH_MS);
  const history = throttle(refresh(true), HISTORY_REFRESH_MS);
  return {
    /** Called when the stream brings new lines. */
    onLines(): void {
      ranges();
      history();
    },
    cancel(): void {
      ranges.cancel();
      history.cancel();
    },
  };
}
