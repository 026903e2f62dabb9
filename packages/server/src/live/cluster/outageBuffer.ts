import type { Pending } from './publishCalls.js';

/** A buffered item that goes on the stream (the gate and mark around a commit's items do not). */
export type Replayed = Extract<Pending, { kind: 'event' | 'input' }>;

/** What replaying the buffer asks of Redis: three calls, so that the buffer is tested without it. */
export interface ReplayTarget {
  /** This node's commit mark on the bus now: a buffered commit at or below it was taken over meanwhile. */
  mark(): Promise<number>;
  /** A buffered commit is done with: `sent` when its items went out (the caller then moves the mark up to it). */
  commitDone(commit: number, sent: boolean): Promise<void>;
  /** Sends one buffered input or event, as a replay: its node's clients had it already. */
  send(item: Replayed): Promise<void>;
}

/**
 * What waits while Redis is unreachable (RedisBus): this node's events, which its own clients got
 * at once, its inputs, and the gate and mark around each commit's items. Bounded: past `limit` the
 * oldest go, counted in `dropped`. Replayed in order once Redis is back; a commit another node took
 * over from the outbox meanwhile is skipped whole, since that node published it.
 */
export class OutageBuffer {
  private readonly items: Pending[] = [];
  /** Items dropped because the outage outlasted the buffer. */
  dropped = 0;
  /**
   * Inside a commit the mark says was taken over. Kept across replays: one that failed inside a
   * commit resumes after its gate.
   */
  private skipping = false;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: Pending): void {
    this.items.push(item);
    if (this.items.length > this.limit) {
      this.items.shift();
      this.dropped++;
    }
  }

  /**
   * Replays every item in order, items pushed meanwhile included, each removed once it went out.
   * Rejects at the first failure, the item that failed left first for the next replay.
   */
  async replay(target: ReplayTarget): Promise<void> {
    while (this.items.length > 0) {
      const item = this.items[0] as Pending;
      await this.replayOne(item, target);
      // A push past the limit meanwhile dropped it, though it was replayed: not the next one too.
      if (this.items[0] === item) this.items.shift();
      else this.dropped--;
    }
  }

  private async replayOne(item: Pending, target: ReplayTarget): Promise<void> {
    if (item.kind === 'gate') {
      this.skipping = (await target.mark()) >= item.commit;
      return;
    }
    if (item.kind === 'mark') {
      await target.commitDone(item.commit, !this.skipping);
      this.skipping = false;
      return;
    }
    if (!this.skipping) await target.send(item);
  }
}
