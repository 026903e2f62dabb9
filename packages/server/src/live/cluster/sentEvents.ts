import type { Publishable } from '../bus.js';

/** Events sent and not read back yet, at most: past it (the reader far behind) they are forgotten and parsed again. */
const MAX_SENT = 100_000;

export interface SentEvent {
  channel: string;
  json: string;
  event: Publishable;
}

/**
 * The events a node sent to the Redis stream, oldest first, until it reads them back. Each goes
 * out numbered (the entry's `n`, counted per node and never reused), and read back under its
 * number it is that event: it needs neither JSON.parse nor even its JSON read as text. A node reads
 * back every event it publishes, and parsing them and writing them out again for the clients
 * showed in its CPU and heap profiles (docs/scale-out.md, "The live path's figures"). Numbers not read back (a commit
 * taken over, a claim lost) are passed over; anything of its own without a number (a replayed
 * event) is parsed.
 */
export class SentEvents {
  private events: (SentEvent & { n: number })[] = [];
  /** Where the oldest not read back is: the array is cut only now and then. */
  private head = 0;
  private next = 1;

  /** Records an event about to be sent on `channel`; returns its number. */
  push(channel: string, json: string, event: Publishable): number {
    if (this.events.length - this.head >= MAX_SENT) this.clear();
    const n = this.next++;
    this.events.push({ n, channel, json, event });
    return n;
  }

  /** The event numbered `n` read back on `channel`, when it is still here; those sent before it are forgotten. */
  take(n: number, channel: string): SentEvent | null {
    while (this.head < this.events.length && (this.events[this.head] as { n: number }).n < n) this.head++;
    const next = this.events[this.head];
    const found = next?.n === n ? next : undefined;
    if (found) this.head++;
    // Cut whether or not it was found: numbers passed over are gone as surely as those read back.
    if (this.head === this.events.length) this.clear();
    else if (this.head > 4096 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
    return found && found.channel === channel ? found : null;
  }

  /** Whether Redis took what was in flight is unknown (a failed call, an outage): what comes back is parsed. */
  clear(): void {
    this.events = [];
    this.head = 0;
  }
}
