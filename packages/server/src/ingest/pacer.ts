/**
 * Background work's share of the loop: after `workMs` since its last rest it rests `restMs` (a
 * timer, so reads, commits and sockets go first). Returns a promise only when it is time to rest.
 */
export function pacer(workMs: number, restMs: number, clock: () => number = () => performance.now()): () => Promise<void> | undefined {
  let since = clock();
  return () => {
    if (clock() - since < workMs) return undefined;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        since = clock();
        resolve();
      }, restMs),
    );
  };
}
