import { describe, expect, it } from 'vitest';
import { periodStarts } from './periods.js';

describe('periodStarts', () => {
  it('gives local midnight, the Monday of the week and the first of the month', () => {
    // Thursday 15 January 2026, mid-afternoon, local time.
    const now = new Date(2026, 0, 15, 15, 30).getTime();
    expect(periodStarts(now)).toEqual({
      day: new Date(2026, 0, 15).getTime(),
      week: new Date(2026, 0, 12).getTime(),
      month: new Date(2026, 0, 1).getTime(),
    });
  });

  it('puts a Sunday in the week that began the Monday before, across a month boundary', () => {
    const sunday = new Date(2026, 2, 1, 8).getTime();
    expect(periodStarts(sunday)).toMatchObject({ week: new Date(2026, 1, 23).getTime(), month: new Date(2026, 2, 1).getTime() });
  });
});
