import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useToday } from './useToday';

describe('useToday', () => {
  afterEach(() => vi.useRealTimers());

  it('turns at the zone\'s midnight, within half a minute', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(Date.parse('2026-03-10T22:59:50Z')); // 23:59:50 in Paris
    const { result, unmount } = renderHook(() => useToday('Europe/Paris'));
    expect(result.current).toBe('2026-03-10');
    act(() => void vi.advanceTimersByTime(30_000));
    expect(result.current).toBe('2026-03-11');
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
