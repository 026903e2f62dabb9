import { useEffect, useRef, useState } from 'react';

/**
 * `value`, changing at most once per `ms`: the first change shows at once, a burst after it
 * shows as one change when the interval is over, and the latest value always lands. For lists
 * that hundreds of events a second would otherwise re-lay-out on every frame (spec 001: rate
 * limiting for high activity; spec 000: debounce rapid updates).
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const show = () => {
      lastShown.current = performance.now();
      setShown(value);
    };
    const wait = lastShown.current + ms - performance.now();
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}
