import { useSyncExternalStore } from 'react';

// One shared clock for "4s ago" labels: a single interval that runs only while something shows
// a relative time, so that hundreds of cards do not each keep a timer.

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = Date.now();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of [...listeners]) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The time, updated once a second while mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** Listeners of the shared clock (for leak checks). */
export function clockListeners(): number {
  return listeners.size;
}
