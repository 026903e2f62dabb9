// The audit's pacing: background work rests on a timer once it has had its share of the loop.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pacer } from './pacer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('pacer', () => {
  it('lets work go on for workMs, then rests restMs on a timer, then counts again from the rest', async () => {
    vi.useFakeTimers();
    const clock = { now: 1000 };
    const pace = pacer(4, 20, () => clock.now);
    expect(pace()).toBeUndefined();
    clock.now += 3.9;
    expect(pace()).toBeUndefined();
    clock.now += 0.1;
    const rest = pace();
    expect(rest).toBeInstanceOf(Promise);
    let rested = false;
    void rest?.then(() => (rested = true));
    await vi.advanceTimersByTimeAsync(19);
    expect(rested).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(rested).toBe(true);
    expect(pace()).toBeUndefined(); // the budget starts again after the rest
    clock.now += 4;
    expect(pace()).toBeInstanceOf(Promise);
  });
});
