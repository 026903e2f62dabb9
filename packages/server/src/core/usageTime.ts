// Calendar arithmetic in a named time zone, for usage reports: which local day, week or month an
// instant falls in. Intl does the zone rules (daylight saving included); nothing here reads a clock.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows this IANA zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Every zone's offset is a whole number of quarter hours, so a local date can only change on a
// quarter hour (UTC): one Intl call per quarter hour seen, not per request (an Intl call per
// request was most of a report's time: docs/usage.md, "Benchmark"). A cache of plain values, not
// state anyone reads.
const QUARTER_HOUR = 900_000;
const MAX_CACHED = 200_000;
const datesByZone = new Map<string, Map<number, string>>();

/** The local calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function localDate(epochMs: number, timeZone: string): string {
  const quarter = Math.floor(epochMs / QUARTER_HOUR);
  let dates = datesByZone.get(timeZone);
  if (!dates) datesByZone.set(timeZone, (dates = new Map()));
  let date = dates.get(quarter);
  if (date === undefined) {
    if (dates.size >= MAX_CACHED) dates.clear();
    // en-CA formats as YYYY-MM-DD.
    date = formatterOf(timeZone).format(quarter * QUARTER_HOUR);
    dates.set(quarter, date);
  }
  return date;
}

/** The Monday on or before a `YYYY-MM-DD` date (weeks start on Monday, as ccusage's do). */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - sinceMonday);
  return day.toISOString().slice(0, 10);
}

/** The first instant of a local date in `timeZone`, as epoch ms (the zone's offset found by trying). */
export function startOfLocalDate(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // Offsets lie within ±14 h: walk from 14 h before UTC midnight to the first instant of `date`,
  // by hour, then by quarter hour (where every zone's days begin).
  let t = utcMidnight - 14 * 3_600_000;
  while (localDate(t + 3_600_000, timeZone) < date) t += 3_600_000;
  while (localDate(t, timeZone) < date) t += QUARTER_HOUR;
  return t;
}
