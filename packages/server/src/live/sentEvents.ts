import type { Publishable } from './bus.js';

/** Events sent and not read back yet, at most: past it (the reader far behind) they are forgotten and parsed again. */
const MAX_SENT = 100_000;

/**
 * The events a node sent to the Redis stream, oldest first, until it reads them back. Read back,
 * an entry that matches the oldest (same channel, same JSON) is that event and needs no
 * JSON.parse: a node reads back every event it publishes, and parsing them and writing them out
 * again for the clients took 8% of node A's CPU (bench:live --nodes 2, a CPU profile). Anything
 * else of its own (a claimed or replayed event) does not match and is parsed.
 */
export class SentEvents {
  private events: { channel: string; json: string; event: Publishable }[] = [];
  /** Where the oldest not read back is: the array is cut only now and then. */
  private head = 0;

  push(channel: string, json: string, event: Publishable): void {
    if (this.events.length - this.head >= MAX_SENT) this.clear();
    this.events.push({ channel, json, event });
  }

  /** The event read back as `json` on `channel`, when it is the oldest sent and not read back yet. */
  take(channel: string, json: string): Publishable | null {
    const next = this.events[this.head];
    if (!next || next.channel !== channel || next.json !== json) return null;
    this.head++;
    if (this.head === this.events.length) this.clear();
    else if (this.head > 4096 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
    return next.event;
  }

  /** Whether Redis took what was in flight is unknown (a failed call, an outage): what comes back is parsed. */
  clear(): void {
    this.events = [];
    this.head = 0;
  }
}
