import { describe, expect, it } from 'vitest';
import { formatCost, formatCount, formatStat, formatTokens } from './format.js';

describe('formatStat', () => {
  it('formats like the spec cards: "262", "18", "45K", "$0.45"', () => {
    expect(formatStat('messages', 262)).toBe('262');
    expect(formatStat('tools', 18)).toBe('18');
    expect(formatStat('tokens', 45_000)).toBe('45K');
    expect(formatStat('cost', 0.449)).toBe('$0.45');
  });

  it('writes counts whole, with separators', () => {
    expect(formatStat('messages', 0)).toBe('0');
    expect(formatStat('messages', 999)).toBe('999');
    expect(formatStat('messages', 1000)).toBe('1,000');
    expect(formatStat('tools', 1_500_000)).toBe('1,500,000');
    expect(formatStat('messages', 12.6)).toBe('13');
    expect(formatCount(-1234)).toBe('-1,234');
    expect(formatCount(999.5)).toBe('1,000');
    expect(formatCount(123_456_789_012)).toBe('123,456,789,012');
  });

  it('groups thousands as en-US Intl does, for every size', () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    for (let n = 1; n < 1e16; n = n * 7 + 3) {
      expect(formatCount(n)).toBe(intl.format(n));
      expect(formatCount(-n)).toBe(intl.format(-n));
    }
    expect(formatCount(1e21)).toBe(intl.format(1e21));
  });

  it('keeps tokens short', () => {
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(1000)).toBe('1K');
    expect(formatTokens(1_250)).toBe('1.3K');
    expect(formatTokens(33_586)).toBe('33.6K');
    expect(formatTokens(1_500_000)).toBe('1.5M');
    expect(formatTokens(3_838_581)).toBe('3.8M');
    expect(formatTokens(123_456_789)).toBe('123M');
    expect(formatTokens(2_000_000_000)).toBe('2B');
    expect(formatTokens(-5)).toBe('-5');
  });

  it('rounds cost to cents, then to whole dollars from $100', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.004)).toBe('$0.00');
    expect(formatCost(0.005)).toBe('$0.01');
    expect(formatCost(99.994)).toBe('$99.99');
    expect(formatCost(100)).toBe('$100');
    expect(formatCost(1564.38)).toBe('$1,564');
    expect(formatCost(1234.5)).toBe('$1,235');
  });
});
