export type Schedule = (run: () => void) => () => void;

/**
 * Runs `run` once at the next animation frame. A hidden tab gets no frames, so a timer runs it
 * after `maxWaitMs` at the latest: events must not pile up unread. Returns a cancel function.
 */
export function frameScheduler(maxWaitMs = 250): Schedule {
  return (run) => {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      run();
    };
    const frame = requestAnimationFrame(once);
    const timer = setTimeout(once, maxWaitMs);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  };
}
