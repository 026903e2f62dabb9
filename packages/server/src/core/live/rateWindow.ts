/**
 * Sums of amounts over the last N seconds, by event time, in one-second buckets. Late and
 * out-of-order events land in their own second as long as it is still inside the span;
 * events from the future (clock skew) count as now. O(1) per event.
 */
export class RateWindow {
  private readonly buckets: Float64Array;
  private readonly seconds: Float64Array;

  constructor(private readonly spanSeconds: number) {
    this.buckets = new Float64Array(spanSeconds);
    this.seconds = new Float64Array(spanSeconds).fill(-1);
  }

  add(atMs: number, amount: number, nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000);
    const second = Math.min(Math.floor(atMs / 1000), nowSecond);
    if (second <= nowSecond - this.spanSeconds) return; // older than the span
    const i = second % this.spanSeconds;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + amount;
  }

  /** The sum over the last `seconds` seconds (at most the span), up to and including now. */
  sum(seconds: number, nowMs: number): number {
    const nowSecond = Math.floor(nowMs / 1000);
    const from = nowSecond - Math.min(seconds, this.spanSeconds) + 1;
    let total = 0;
    for (let s = from; s <= nowSecond; s++) {
      const i = ((s % this.spanSeconds) + this.spanSeconds) % this.spanSeconds;
      if (this.seconds[i] === s) total += this.buckets[i] ?? 0;
    }
    return total;
  }
}
