// Spec 000's number animation: from the old value to the new over `duration` ms, eased.

export const easeOutQuad = (t: number): number => t * (2 - t);

export interface Frames {
  now(): number;
  request(step: () => void): number;
  cancel(handle: number): void;
}

const browserFrames: Frames = {
  now: () => performance.now(),
  request: (step) => requestAnimationFrame(step),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/** Calls `onValue` once a frame until it reaches `to`; returns a function that stops it. */
export function animateValue(from: number, to: number, onValue: (value: number) => void, duration = 300, frames: Frames = browserFrames): () => void {
  const start = frames.now();
  const delta = to - from;
  let handle = 0;
  const step = () => {
    const progress = Math.min((frames.now() - start) / duration, 1);
    onValue(progress === 1 ? to : from + delta * easeOutQuad(progress));
    if (progress < 1) handle = frames.request(step);
  };
  handle = frames.request(step);
  return () => frames.cancel(handle);
}
