// Calendar days and weeks in a reader's time zone (IANA name, e.g. "Europe/Paris"), as UTC
// instants: what "today" and "this week" mean to the browser that asks. Pure: the time is passed
// in; Intl knows the zones' rules.

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is a zone Intl knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The wall clock in `timeZone` at `ms`, and its weekday (0 = Monday). */
function wallClock(ms: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number; weekday: number } {
  const parts: Record<string, string> = {};
  for (const p of format(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), min: Number(parts.minute), s: Number(parts.second), weekday: WEEKDAYS.indexOf(parts.weekday ?? '') };
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant of the wall-clock midnight starting day y-m-d in `timeZone` (twice corrected: the offset at midnight may differ from the guess's). */
function midnight(y: number, m: number, d: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d);
  const first = wall - offsetMs(wall, timeZone);
  return wall - offsetMs(first, timeZone);
}

/** When today and this week (from Monday) began in `timeZone`, as ISO strings in UTC. */
export function calendarStarts(nowMs: number, timeZone: string): { today: string; week: string } {
  const w = wallClock(nowMs, timeZone);
  const today = midnight(w.y, w.m, w.d, timeZone);
  const monday = new Date(Date.UTC(w.y, w.m - 1, w.d - w.weekday));
  const week = midnight(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), timeZone);
  return { today: new Date(today).toISOString(), week: new Date(week).toISOString() };
}
