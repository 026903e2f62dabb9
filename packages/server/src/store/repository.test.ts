// A source's tail as the store hands it out: memory of its own, and nothing per file without one.
import { describe, expect, it } from 'vitest';
import { ownTail } from './repository.js';

describe('ownTail', () => {
  it('copies a tail out of the memory it came in (a pool block stays free)', () => {
    const pool = Buffer.from('0123456789');
    const tail = ownTail(pool.subarray(6));
    expect(tail.toString()).toBe('6789');
    expect(tail.buffer).not.toBe(pool.buffer);
    expect(tail.byteLength).toBe(tail.buffer.byteLength);
  });

  it('gives every empty tail (a file not read yet) the same buffer: 75,000 new files held 14 MB of empty ones', () => {
    expect(ownTail(new Uint8Array(0))).toBe(ownTail(Buffer.alloc(0)));
    expect(ownTail(new Uint8Array(0))).toHaveLength(0);
  });
});
