import { describe, expect, it } from 'vitest';
import { RateWindow } from '../live/rateWindow.js';
import { SlidingSum } from './slidingSum.js';

describe('SlidingSum', () => {
  it('sums what is inside the span; what leaves it stops counting', () => {
    const window = new SlidingSum(60_000);
    window.add(1000, 1, 1000);
    window.add(30_000, 2, 30_000);
    expect(window.sum(30_000)).toBe(3);
    expect(window.sum(60_999)).toBe(3);
    expect(window.sum(61_000)).toBe(2); // 1000 is now exactly a span old
    expect(window.sum(90_000)).toBe(0);
  });

  it('places late events, ignores ones older than the span, counts future ones as now', () => {
    const window = new SlidingSum(60_000);
    const now = 100_000;
    window.add(now, 1, now);
    window.add(now - 30_000, 2, now); // late, but inside
    window.add(now - 60_000, 4, now); // a span old: out
    window.add(now + 5_000, 8, now); // skewed clock: counts from now
    expect(window.sum(now)).toBe(11);
    expect(window.sum(now + 31_000)).toBe(9);
    expect(window.sum(now + 60_000)).toBe(0);
  });

  it('agrees with RateWindow on whole seconds, through compaction', () => {
    const sliding = new SlidingSum(60_000);
    const rate = new RateWindow(60);
    let now = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 5000; i++) {
      if (i % 4 === 0) now += 1000;
      const at = now - (i % 7) * 1000; // some late
      sliding.add(at, 0.1, now);
      rate.add(at, 0.1, now);
      if (i % 97 === 0) expect(sliding.sum(now)).toBeCloseTo(rate.sum(60, now), 6);
    }
    expect(sliding.sum(now + 60_000)).toBe(0);
  });

  it('holds one entry per second, however many events a second brings', () => {
    const window = new SlidingSum(60_000);
    const start = 1_000_000;
    for (let i = 0; i < 100_000; i++) {
      const now = start + Math.floor(i / 1000) * 100; // 1000 events per 100 ms: 10 s in all
      window.add(now - (i % 3) * 400, 1, now); // some a little late
    }
    expect(window.sum(start + 10_000)).toBe(100_000);
    expect(window.size).toBeLessThanOrEqual(11);
    expect(window.sum(start + 70_000)).toBe(0);
    expect(window.size).toBe(0);
  });

  it('keeps a long window to a hundredth of its span: about a hundred entries', () => {
    const window = new SlidingSum(15 * 60_000);
    const start = 1_800_000_000_000;
    let now = start;
    for (let i = 0; i < 50_000; i++) {
      now = start + i * 30; // 25 minutes of an event every 30 ms
      window.add(now, 1, now);
      if (i % 1000 === 0) window.sum(now); // read every 30 s here; the alert engine reads every second
    }
    expect(window.size).toBeLessThanOrEqual(104); // 100 steps, and what left the span since the last read
    // The last 15 minutes, to one step (9 s) at the window's start.
    const exact = Math.floor((15 * 60_000) / 30);
    expect(Math.abs(window.sum(now) - exact)).toBeLessThanOrEqual(9000 / 30 + 1);
  });
});
