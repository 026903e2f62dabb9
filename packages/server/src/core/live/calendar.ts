// "Today" and "this week" (from Monday) in a reader's time zone (IANA name, e.g. "Europe/Paris"),
// as UTC instants: by the same calendar rules as the usage reports (core/usageTime.ts), so the
// Live page's today is the Usage page's. Pure: the time is passed in.
import { localDate, mondayOf, startOfLocalDate } from '../usageTime.js';

export { isTimeZone } from '../usageTime.js';

/** When today and this week (from Monday) began in `timeZone`, as ISO strings in UTC. */
export function calendarStarts(nowMs: number, timeZone: string): { today: string; week: string } {
  const today = localDate(nowMs, timeZone);
  return {
    today: new Date(startOfLocalDate(today, timeZone)).toISOString(),
    week: new Date(startOfLocalDate(mondayOf(today), timeZone)).toISOString(),
  };
}
