interface Call<R> {
  /** Where this call's items start in the run's items, and how many. */
  from: number;
  count: number;
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

interface Run<T, R> {
  items: T[];
  calls: Call<R>[];
}

/**
 * Calls run together, one run at a time: the calls of one event-loop turn make one run, and the
 * calls made while a run is under way wait and make the next. `run` gets every caller's items,
 * in call order, and each caller its own part of the answer. A failure fails every call of its run.
 *
 * The watcher asks for a new file's source on its first read, and under bench:live's load
 * hundreds of files a second are new. On PostgreSQL a lookup each kept the pool's connections
 * busy and the commits waited behind them; a lookup per turn still had several in flight at once,
 * each holding a connection, and a commit waited for one now and then (figures: docs/postgres.md,
 * "Several writers at once"). SQLite registers new files with one transaction per run.
 */
export function gatherCalls<T, R>(run: (items: T[]) => Promise<R[]>): (items: T[]) => Promise<R[]> {
  /** The run that calls join now. */
  let next: Run<T, R> | null = null;
  let running = false;

  const start = (): void => {
    if (running || !next) return;
    const current = next;
    next = null;
    running = true;
    run(current.items)
      .then(
        (results) => current.calls.forEach((call) => call.resolve(results.slice(call.from, call.from + call.count))),
        (error: unknown) => current.calls.forEach((call) => call.reject(error)),
      )
      .finally(() => {
        running = false;
        start();
      });
  };

  return (items) => {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      if (!next) {
        next = { items: [], calls: [] };
        // The rest of this turn's calls join it first.
        if (!running) setImmediate(start);
      }
      next.calls.push({ from: next.items.length, count: items.length, resolve, reject });
      for (const item of items) next.items.push(item); // not push(...items): the audit asks for thousands
    });
  };
}
