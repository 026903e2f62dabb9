/**
 * Runs `run` at most once per `ms`, on the trailing edge (a burst becomes one call after it).
 * `cancel` drops a pending call: every owner cancels on teardown, so no timer outlives it.
 */
export function throttle(run: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const call = () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };
  call.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return call;
}
