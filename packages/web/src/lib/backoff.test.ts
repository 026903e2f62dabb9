import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles up to the cap, with half of it random', () => {
    expect(backoffDelay(0, () => 0, 500, 10_000)).toBe(250);
    expect(backoffDelay(0, () => 1, 500, 10_000)).toBe(500);
    expect(backoffDelay(3, () => 0.5, 500, 10_000)).toBe(3000);
    expect(backoffDelay(40, () => 1, 500, 10_000)).toBe(10_000);
  });
});
