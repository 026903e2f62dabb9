import { describe, expect, it } from 'vitest';
import { formatStat } from './format.js';

describe('formatStat', () => {
  it('formats like the spec cards: "262", "18", "45K", "$0.45"', () => {
    expect(formatStat('messages', 262)).toBe('262');
    expect(formatStat('tools', 18)).toBe('18');
    expect(formatStat('tokens', 45_000)).toBe('45K');
    expect(formatStat('cost', 0.449)).toBe('$0.45');
  });

  it('keeps big numbers short', () => {
    expect(formatStat('tokens', 999)).toBe('999');
    expect(formatStat('tokens', 1_250)).toBe('1.3K');
    expect(formatStat('tokens', 3_838_581)).toBe('3.8M');
    expect(formatStat('tokens', 123_456_789)).toBe('123M');
    expect(formatStat('messages', 12_345)).toBe('12,345');
    expect(formatStat('cost', 1564.38)).toBe('$1,564');
  });
});
