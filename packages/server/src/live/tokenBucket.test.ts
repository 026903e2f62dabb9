import { describe, expect, it } from 'vitest';
import { tokenBucket } from './tokenBucket.js';

describe('tokenBucket', () => {
  it('lets a burst of `capacity` through, then one per refill interval', () => {
    let t = 0;
    const bucket = tokenBucket(3, 2, () => t);
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
    t += 499;
    expect(bucket.take()).toBe(false);
    t += 1;
    expect(bucket.take()).toBe(true);
    t += 60_000; // a long rest refills to capacity, no more
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
  });
});
