/**
 * The sum of amounts whose time is inside the last `spanMs`, kept as a running total: adding
 * and reading are O(1) amortised, where RateWindow's read is O(span in seconds) — too slow to
 * read for every live session on every evaluation. Times count to the second: the events of one
 * second share an entry, so memory follows the seconds inside the span (at most one per second),
 * not the events; one per event grew the heap by tens of MB over a 15-minute window at 2000
 * lines/s (bench:live). Events come nearly in time order; a late one is inserted in its place;
 * one from the future (clock skew) counts as now.
 */
export class SlidingSum {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
  private total = 0;

  constructor(private readonly spanMs: number) {}

  add(atMs: number, amount: number, nowMs: number): void {
    const at = Math.floor(Math.min(atMs, nowMs) / 1000) * 1000;
    if (at <= nowMs - this.spanMs) return; // older than the span
    let i = this.times.length;
    while (i > this.head && (this.times[i - 1] as number) > at) i--;
    if (i > this.head && this.times[i - 1] === at) {
      this.amounts[i - 1] = (this.amounts[i - 1] as number) + amount;
    } else if (i === this.times.length) {
      this.times.push(at);
      this.amounts.push(amount);
    } else {
      this.times.splice(i, 0, at);
      this.amounts.splice(i, 0, amount);
    }
    this.total += amount;
  }

  /** Entries held: at most one per second of the span. */
  get size(): number {
    return this.times.length - this.head;
  }

  sum(nowMs: number): number {
    const from = nowMs - this.spanMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= from) {
      this.total -= this.amounts[this.head] as number;
      this.head++;
    }
    if (this.head === this.times.length) {
      this.times = [];
      this.amounts = [];
      this.head = 0;
      this.total = 0; // no float drift survives an empty window
    } else if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.amounts = this.amounts.slice(this.head);
      this.head = 0;
    }
    return this.total;
  }
}
