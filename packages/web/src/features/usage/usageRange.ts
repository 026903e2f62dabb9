// The Usage page's ranges, as local dates in the browser's time zone (the API takes the zone).

export type RangeKey = 'today' | '7d' | '30d' | 'month' | 'all' | 'custom';

export const RANGES: { key: RangeKey; label: string }[] = [
  { key: 'today', label: 'Today' },
  { key: '7d', label: '7 days' },
  { key: '30d', label: '30 days' },
  { key: 'month', label: 'This month' },
  { key: 'all', label: 'All time' },
  { key: 'custom', label: 'Custom' },
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A custom range from the address (`?range=custom&from=…&to=…`): both real dates, in order; else none. */
export function customDates(from: string | null, to: string | null): { from: string; to: string } | null {
  if (!from || !to || !DATE.test(from) || !DATE.test(to) || from > to) return null;
  return { from, to };
}

export function isRangeKey(value: string | null): value is RangeKey {
  return RANGES.some((r) => r.key === value);
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

function minusDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

/** The local dates a range covers when the local date is `today` (both inclusive); `all` has none. */
export function rangeDates(key: RangeKey, today: string): { from?: string; to?: string } {
  switch (key) {
    case 'today':
      return { from: today, to: today };
    case '7d':
      return { from: minusDays(today, 6), to: today };
    case '30d':
      return { from: minusDays(today, 29), to: today };
    case 'month':
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'all':
    case 'custom':
      return {};
  }
}
