import { describe, expect, it } from 'vitest';
import { AlertLatch } from './alertLatch.js';

const COOLDOWN = 60_000;
const holds = (...keys: string[]) => new Map(keys.map((k) => [k, COOLDOWN]));

describe('AlertLatch', () => {
  it('fires a key once while its condition holds, however long', () => {
    const latch = new AlertLatch();
    expect(latch.update(holds('a'), 0)).toEqual(['a']);
    expect(latch.update(holds('a'), 1000)).toEqual([]);
    expect(latch.update(holds('a'), 10 * COOLDOWN)).toEqual([]); // never cleared: never again
  });

  it('fires again after the condition cleared and the cooldown passed', () => {
    const latch = new AlertLatch();
    latch.update(holds('a'), 0);
    expect(latch.update(holds(), 1000)).toEqual([]);
    expect(latch.update(holds('a'), COOLDOWN)).toEqual(['a']);
  });

  it('holds back a condition that flaps inside the cooldown until the cooldown ends', () => {
    const latch = new AlertLatch();
    latch.update(holds('a'), 0);
    latch.update(holds(), 1000);
    expect(latch.update(holds('a'), 2000)).toEqual([]);
    expect(latch.update(holds('a'), COOLDOWN - 1)).toEqual([]);
    expect(latch.update(holds('a'), COOLDOWN)).toEqual(['a']);
  });

  it('keeps keys apart and forgets a key that cleared and cooled down', () => {
    const latch = new AlertLatch();
    expect(latch.update(holds('a', 'b'), 0)).toEqual(['a', 'b']);
    expect(latch.update(holds('b'), 1000)).toEqual([]);
    expect(latch.size).toBe(2);
    latch.update(holds('b'), COOLDOWN);
    expect(latch.size).toBe(1);
    expect(latch.update(holds('a', 'b'), COOLDOWN + 1)).toEqual(['a']);
  });
});
