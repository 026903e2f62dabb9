import { describe, expect, it } from 'vitest';
import { calendarStarts, isTimeZone } from './calendar.js';

describe('calendarStarts', () => {
  it("gives the start of the reader's day and week (from Monday) in UTC", () => {
    // Sunday 2026-12-06 23:30 UTC is already Monday 00:30 in Paris.
    const now = Date.parse('2026-12-06T23:30:00Z');
    expect(calendarStarts(now, 'UTC')).toEqual({ today: '2026-12-06T00:00:00.000Z', week: '2026-11-30T00:00:00.000Z' });
    expect(calendarStarts(now, 'Europe/Paris')).toEqual({ today: '2026-12-06T23:00:00.000Z', week: '2026-12-06T23:00:00.000Z' });
    // Still Sunday afternoon in Los Angeles (UTC−8).
    expect(calendarStarts(now, 'America/Los_Angeles')).toEqual({ today: '2026-12-06T08:00:00.000Z', week: '2026-11-30T08:00:00.000Z' });
    expect(calendarStarts(now, 'Asia/Kolkata').today).toBe('2026-12-06T18:30:00.000Z');
  });

  it('follows a daylight-saving change inside the week', () => {
    // Paris moved to summer time on Sunday 2026-03-29: that Monday began at 23:00 UTC, the Sunday at 23:00 UTC the day before too, and the next day at 22:00.
    expect(calendarStarts(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Paris')).toEqual({ today: '2026-03-28T23:00:00.000Z', week: '2026-03-22T23:00:00.000Z' });
    expect(calendarStarts(Date.parse('2026-03-30T12:00:00Z'), 'Europe/Paris').today).toBe('2026-03-29T22:00:00.000Z');
  });

  it('knows the zones Intl knows', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
