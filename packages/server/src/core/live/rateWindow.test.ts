import { describe, expect, it } from 'vitest';
import { RateWindow } from './rateWindow.js';

const at = (s: number) => s * 1000;

describe('RateWindow', () => {
  it('sums what happened in the last N seconds', () => {
    const w = new RateWindow(3600);
    w.add(at(100), 1, at(100));
    w.add(at(130), 2, at(130));
    w.add(at(159), 4, at(159));
    expect(w.sum(60, at(159))).toBe(7);
    expect(w.sum(30, at(159))).toBe(6);
    expect(w.sum(60, at(165))).toBe(6); // second 100 left the minute
  });

  it('takes late and out-of-order events into their own second', () => {
    const w = new RateWindow(60);
    w.add(at(150), 1, at(150));
    w.add(at(120), 5, at(151)); // arrives late
    expect(w.sum(60, at(151))).toBe(6);
    expect(w.sum(10, at(151))).toBe(1);
  });

  it('ignores events older than the span and counts future ones as now', () => {
    const w = new RateWindow(60);
    w.add(at(10), 100, at(100));
    w.add(at(500), 3, at(100));
    expect(w.sum(60, at(100))).toBe(3);
  });

  it('does not mistake an old bucket for a new one after wrapping around', () => {
    const w = new RateWindow(60);
    w.add(at(100), 9, at(100));
    expect(w.sum(60, at(160))).toBe(0); // second 160 uses the same slot as 100
    w.add(at(160), 1, at(160));
    expect(w.sum(60, at(160))).toBe(1);
  });

  it('cuts the window into stretches ending now that add up to it, each what sum() gives for it', () => {
    const w = new RateWindow(3600);
    for (const [second, amount] of [[1000, 1], [1059, 2], [1060, 4], [3000, 8], [4599, 16], [4600, 32]] as const) w.add(at(second), amount, at(4600));
    const per = w.stretches(60, 60, at(4600));
    expect(per.length).toBe(60);
    expect(per.reduce((a, b) => a + b, 0)).toBe(w.sum(3600, at(4600)));
    for (let m = 0; m < 60; m++) expect(per[59 - m]).toBe(w.sum(60 * (m + 1), at(4600)) - w.sum(60 * m, at(4600)));
    expect(per.at(-1)).toBe(48);
  });
});
