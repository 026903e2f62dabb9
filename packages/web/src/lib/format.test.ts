import { describe, expect, it } from 'vitest';
import { formatAgo, formatCost, formatStat, formatTokens } from './format';

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
});
