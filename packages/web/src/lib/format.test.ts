import { describe, expect, it } from 'vitest';
import { formatAgo, formatCost, formatStat, formatTokens, formatWhen } from './format';

describe('format', () => {
  it('writes stats as the server does', () => {
    expect(formatStat('messages', 1262)).toBe('1,262');
    expect(formatTokens(33586)).toBe('33.6K');
    expect(formatTokens(45_000)).toBe('45K');
    expect(formatTokens(1_234_567)).toBe('1.2M');
    expect(formatCost(0.449)).toBe('$0.45');
    expect(formatCost(1234.5)).toBe('$1,235');
    expect(formatAgo('2026-11-21T14:37:00.000Z', Date.parse('2026-11-21T14:41:30.000Z'))).toBe('4m ago');
  });

  it('says a recent time in seconds, an old one as a date', () => {
    const now = Date.parse('2026-11-21T14:41:30.000Z');
    expect(formatWhen('2026-11-21T14:41:18.000Z', now)).toBe('12s ago');
    expect(formatWhen('2026-05-02T09:00:00.000Z', now)).toMatch(/^2026-05-02 \d\d:\d\d$/);
  });
});
