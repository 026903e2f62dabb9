/**
 * A Prometheus-style histogram: counts of observations at or under each bucket bound, their sum
 * and number. Fixed memory, O(buckets) per observation; no I/O, so /metrics renders it.
 */
export class Histogram {
  private readonly counts: number[];
  sum = 0;
  count = 0;

  /** `bounds`: the buckets' upper bounds, ascending; +Inf is implied. */
  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] as number)) this.counts[i] = (this.counts[i] as number) + 1;
    }
  }

  /** Cumulative counts per bound, as the text format wants them (the +Inf bucket is `count`). */
  cumulative(): { le: number; count: number }[] {
    return this.bounds.map((le, i) => ({ le, count: this.counts[i] as number }));
  }
}

/** Bounds in milliseconds for store commits and read lag: 1 ms to 10 s. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;
