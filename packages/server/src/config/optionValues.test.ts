import { describe, expect, it } from 'vitest';
import { UsageError } from './config.js';
import { parseCalendarDate, parseInteger, parsePort, parseTimeZone } from './optionValues.js';

describe('option values', () => {
  it('takes whole numbers in range and refuses the rest with one sentence', () => {
    expect(parseInteger('0', '--limit')).toBe(0);
    expect(parseInteger(' 42 ', '--limit')).toBe(42);
    for (const bad of ['abc', '-1', '2.5', '', '1e3', '0x10', '99999999999999999999']) {
      expect(() => parseInteger(bad, '--limit'), bad).toThrow(new UsageError(`--limit must be a whole number 0 or more, got "${bad}"`));
    }
    expect(() => parseInteger('25', '--session-length', { min: 1, max: 24 })).toThrow('--session-length must be a whole number from 1 to 24, got "25"');
    expect(parsePort('4280')).toBe(4280);
    expect(() => parsePort('65536')).toThrow('--port must be a whole number from 0 to 65535, got "65536"');
  });

  it('takes calendar dates as YYYY-MM-DD or YYYYMMDD, and real ones only', () => {
    expect(parseCalendarDate('20260102', '--since')).toBe('2026-01-02');
    expect(parseCalendarDate('2026-01-02', '--since')).toBe('2026-01-02');
    for (const bad of ['2026-02-30', '2026-13-01', 'yesterday', '2026-1-2']) expect(() => parseCalendarDate(bad, '--since'), bad).toThrow(UsageError);
  });

  it('takes IANA time zones, and the system one by default', () => {
    expect(parseTimeZone('America/New_York')).toBe('America/New_York');
    expect(parseTimeZone(undefined)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(() => parseTimeZone('Mars/Olympus')).toThrow('--timezone must be a time zone such as UTC or America/New_York, got "Mars/Olympus"');
  });
});
