import { describe, expect, it } from 'vitest';
import { nextSort, sortRows } from './sort';

describe('sort', () => {
  it('sorts with nulls last and flips on a second click', () => {
    const rows = [{ v: 2 }, { v: null }, { v: 3 }];
    expect(sortRows(rows, { key: 'v', direction: 'desc' }, (r) => r.v).map((r) => r.v)).toEqual([3, 2, null]);
    expect(sortRows(rows, { key: 'v', direction: 'asc' }, (r) => r.v).map((r) => r.v)).toEqual([2, 3, null]);
    expect(nextSort({ key: 'v', direction: 'desc' }, 'v')).toEqual({ key: 'v', direction: 'asc' });
    expect(nextSort({ key: 'v', direction: 'asc' }, 'w')).toEqual({ key: 'w', direction: 'desc' });
  });
});
