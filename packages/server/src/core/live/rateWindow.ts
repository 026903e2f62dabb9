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

  /**
   * Sums over `count` consecutive stretches of `width` seconds ending now, oldest first: the last
   * is the same as sum(width, now). One pass over the seconds, where `count` sum() calls made it
   * `count` passes (the series endpoint's 60 minutes of 60 s were 2 × 60 × 3600 reads a kind).
   */
  stretches(count: number, width: number, nowMs: number): number[] {
    const nowSecond = Math.floor(nowMs / 1000);
    const out = new Array<number>(count).fill(0);
    const seconds = Math.min(count * width, this.spanSeconds);
    for (let back = 0; back < seconds; back++) {
      const s = nowSecond - back;
      const i = ((s % this.spanSeconds) + this.spanSeconds) % this.spanSeconds;
      const at = count - 1 - Math.floor(back / width);
      if (this.seconds[i] === s) out[at] = (out[at] ?? 0) + (this.buckets[i] ?? 0);
    }
    return out;
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
