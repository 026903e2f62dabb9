/**
 * A token bucket: `capacity` at once, refilled at `perSecond`. `take()` is false when it is
 * empty. Time is injected so the rate is tested without sleeping.
 */
export function tokenBucket(capacity: number, perSecond: number, now: () => number = () => performance.now()): { take(): boolean } {
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(capacity, tokens + ((at - last) / 1000) * perSecond);
      last = at;
      if (tokens < 1) return false;
      tokens--;
      return true;
    },
  };
}
