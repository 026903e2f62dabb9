import { describe, expect, it } from 'vitest';
import { limitWindow, pace, WINDOW_MS, type LimitReading } from './limitWindow.js';

const H = 3600_000;
const RESET = Date.UTC(2026, 0, 2, 15, 0, 0); // the 5-hour window runs 10:00-15:00
const at = (hours: number) => RESET - WINDOW_MS.five_hour + hours * H;
const reading = (hours: number, used: number, resetsAtMs = RESET): LimitReading => ({ observedAtMs: at(hours), usedPercentage: used, resetsAtMs });

describe('pace', () => {
  it('is ahead when the used share is larger than the elapsed share, behind otherwise', () => {
    expect(pace(60, RESET, WINDOW_MS.five_hour, at(2))).toEqual({ state: 'ahead', used_share: 0.6, elapsed_share: 0.4, ratio: 1.5 });
    expect(pace(20, RESET, WINDOW_MS.five_hour, at(2))).toEqual({ state: 'behind', used_share: 0.2, elapsed_share: 0.4, ratio: 0.5 });
  });

  it('has no ratio at the very start of the window', () => {
    expect(pace(0, RESET, WINDOW_MS.five_hour, at(0))).toMatchObject({ state: 'behind', elapsed_share: 0, ratio: null });
  });
});

describe('limitWindow', () => {
  it('projects 100% from the burn of the last half hour', () => {
    // 10% at 2:00, 20% at 2:30: 20%/h, so the remaining 80% take 4 h: full at 6:30, after the reset at 5:00.
    const window = limitWindow('five_hour', [reading(1, 5), reading(2, 10), reading(2.5, 20)], at(2.5));
    expect(window).toMatchObject({
      used_percentage: 20,
      resets_at: new Date(RESET).toISOString(),
      observed_at: new Date(at(2.5)).toISOString(),
      window_seconds: 18000,
      burn_rate_per_hour: 20,
      projected_full_at: new Date(at(6.5)).toISOString(),
      full_before_reset: false,
      pace: { state: 'behind', elapsed_share: 0.5, used_share: 0.2 },
    });
  });

  it('says full before the reset when the burn is fast', () => {
    const window = limitWindow('five_hour', [reading(2, 50), reading(2.5, 70)], at(2.5));
    // 40%/h from 70%: 45 min to go.
    expect(window).toMatchObject({ burn_rate_per_hour: 40, projected_full_at: new Date(at(3.25)).toISOString(), full_before_reset: true, pace: { state: 'ahead' } });
  });

  it('with a single reading, uses the average since the window began', () => {
    const window = limitWindow('five_hour', [reading(2, 40)], at(2));
    // 40% in 2 h: 20%/h, 60% left: 3 h.
    expect(window).toMatchObject({ burn_rate_per_hour: 20, projected_full_at: new Date(at(5)).toISOString(), full_before_reset: false });
  });

  it('ignores readings of an earlier window', () => {
    const earlier = { observedAtMs: at(2.4), usedPercentage: 90, resetsAtMs: RESET - WINDOW_MS.five_hour };
    const window = limitWindow('five_hour', [earlier, reading(2.5, 10)], at(2.5));
    expect(window?.burn_rate_per_hour).toBe(4); // 10% in 2.5 h, not a fall from 90%
  });

  it('projects nothing when nothing is used', () => {
    expect(limitWindow('five_hour', [reading(2, 0)], at(2))).toMatchObject({ projected_full_at: null, full_before_reset: false, burn_rate_per_hour: 0 });
  });

  it('knows nothing of a window once it has reset', () => {
    expect(limitWindow('five_hour', [reading(4, 80)], RESET)).toBeNull();
    expect(limitWindow('seven_day', [], at(1))).toBeNull();
  });
});
