/**
 * The sum of amounts whose time is inside the last `spanMs`, kept as a running total: adding
 * and reading are O(1) amortised, where RateWindow's read is O(span in seconds) — too slow to
 * read for every live session on every evaluation. Times count to a hundredth of the span (at
 * least a second): the events of one such step share an entry, so a window holds at most about
 * a hundred entries, however many events come: one entry per event, or per second, grew the heap
 * (docs/scale-out.md, "The live path's figures"). Events come nearly in time order; a late one is inserted in its
 * place; one from the future (clock skew) counts as now.
 */
export class SlidingSum {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
  private total = 0;

  /** The time step entries are kept at. */
  private readonly stepMs: number;

  constructor(private readonly spanMs: number) {
    this.stepMs = Math.max(1000, Math.floor(spanMs / 100 / 1000) * 1000);
  }

  add(atMs: number, amount: number, nowMs: number): void {
    const at = Math.floor(Math.min(atMs, nowMs) / this.stepMs) * this.stepMs;
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

  /** Entries held: at most one per step of the span (about 100). */
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
