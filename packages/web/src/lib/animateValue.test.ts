import { describe, expect, it, vi } from 'vitest';
import { animateValue, easeOutQuad } from './animateValue';

describe('animateValue', () => {
  it('eases from the old value to the new one and lands exactly on it', () => {
    let t = 0;
    const steps: (() => void)[] = [];
    const values: number[] = [];
    animateValue(10, 20, (v) => values.push(v), 300, { now: () => t, request: (s) => steps.push(s), cancel: () => {} });
    for (const at of [0, 150, 300]) {
      t = at;
      steps.shift()?.();
    }
    expect(values).toEqual([10, 10 + 10 * easeOutQuad(0.5), 20]);
    expect(steps).toHaveLength(0);
  });

  it('stops when cancelled', () => {
    const cancel = vi.fn();
    animateValue(0, 1, () => {}, 300, { now: () => 0, request: () => 7, cancel })();
    expect(cancel).toHaveBeenCalledWith(7);
  });
});
