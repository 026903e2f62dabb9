import type { WebSocket } from 'ws';
import type { ChannelEvent, Subscriber } from './hub.js';

export interface FeedLimits {
  /** Above this many bytes waiting in the socket, events queue here instead. */
  highWaterBytes: number;
  /** A queue longer than this is dropped for a `resync` and a fresh snapshot: memory stays bounded. */
  maxQueued: number;
  /**
   * A socket holding more than this many unsent bytes is closed (1013): only a client that reads
   * nothing gets there, since events wait in the queue above `highWaterBytes`. Default 16 MiB.
   */
  maxBufferedBytes?: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = { highWaterBytes: 1 << 20, maxQueued: 2000 };
export const DEFAULT_MAX_BUFFERED_BYTES = 16 << 20;

/** RFC 6455's "try again later": the close code of a socket cut off for reading nothing. */
const CLIENT_NOT_READING = 1013;

/** How long a socket closed for misbehaving gets to finish the closing handshake before it is dropped. */
const CUT_OFF_GRACE_MS = 1000;

/**
 * Closes a socket whose client misbehaves (reads nothing, floods pings) and reads no more from it:
 * a client that does not read would never answer the close frame, and ws would keep the socket
 * and its unsent bytes for its own 30 s closing timeout.
 */
export function cutOff(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.close(code, reason);
  socket.pause();
  setTimeout(() => socket.terminate(), CUT_OFF_GRACE_MS).unref?.();
}

/** The socket under the WebSocket, for cork/uncork. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** A corked socket is written out once this much is waiting, even in mid-burst. */
const CORK_FLUSH_BYTES = 64 * 1024;

/** One JSON text per event, however many sockets it goes to (the activity stream's clients all get every event). */
const texts = new WeakMap<object, string>();
export function serialize(event: object): string {
  let text = texts.get(event);
  if (text === undefined) {
    text = JSON.stringify(event);
    texts.set(event, text);
  }
  return text;
}

/** An event whose JSON text is known already (the Redis bus read it as text): it is not serialized again. */
export function knownText(event: object, text: string): void {
  texts.set(event, text);
}

export interface FeedCounters {
  sent: number;
  coalesced: number;
  dropped: number;
  /** Sockets closed because they held more than `maxBufferedBytes` unsent, or flooded pings. */
  cutOff?: number;
}

/**
 * One WebSocket's subscription to one channel. Sends at once while the socket keeps up; a slow
 * client gets a bounded queue in which stat updates coalesce (latest value, summed delta), and
 * past that a `resync` marker and a snapshot: the feed is never cut silently.
 */
export class SocketFeed implements Subscriber {
  private queue: ChannelEvent[] = [];
  private primed = false;
  private needsResync: 'gap' | 'slow_consumer' | false = false;
  private afterSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private corked = false;

  constructor(
    private readonly socket: WebSocket,
    /** The frames that bring a client up to date: snapshot frames stamped with `seq`. */
    private readonly snapshot: (seq: number) => Promise<ChannelEvent[]>,
    private readonly seqNow: () => number,
    private readonly counters: FeedCounters,
    private readonly limits: FeedLimits = DEFAULT_FEED_LIMITS,
    private readonly stream?: Corkable,
  ) {}

  /** Starts delivery: the replayed events, or (`null`) a resync marker and a snapshot. */
  async start(replay: ChannelEvent[] | null, snapshotFirst: boolean, reason: 'gap' | 'restart'): Promise<void> {
    const seq = this.seqNow();
    if (replay === null || snapshotFirst) {
      const frames = await this.snapshot(seq);
      if (replay === null) this.write({ type: 'resync', seq, reason });
      for (const frame of frames) this.write(frame);
      this.afterSeq = seq;
    } else {
      for (const event of replay) this.write(event);
      this.afterSeq = replay.at(-1)?.seq ?? seq;
    }
    this.primed = true;
    if (this.needsResync) this.schedulePump();
    const held = this.queue;
    this.queue = [];
    for (const event of held) this.deliver(event);
  }

  deliver(event: ChannelEvent): void {
    if (!this.primed) {
      this.queue.push(event); // until the snapshot or replay is out
      return;
    }
    if (event.seq <= this.afterSeq) return; // already covered by the snapshot or replay
    if (this.needsResync) return; // a snapshot follows anyway
    if (this.queue.length === 0 && this.socket.bufferedAmount < this.limits.highWaterBytes) {
      this.write(event);
      return;
    }
    this.enqueue(event);
    this.schedulePump();
  }

  /** Events were lost upstream (the bus): a resync marker and a snapshot follow. */
  resync(): void {
    this.queue = [];
    this.needsResync = 'gap';
    if (this.primed) this.schedulePump(); // else start() does, once the first frames are out
  }

  /**
   * A frame for this client alone (a pong): sent while the socket keeps up, else dropped, since
   * a client that is not reading has no use for it. False when it was dropped.
   */
  reply(frame: { type: string; seq: number }): boolean {
    if (this.socket.readyState !== this.socket.OPEN || this.socket.bufferedAmount >= this.limits.highWaterBytes) return false;
    this.write(frame);
    return true;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private enqueue(event: ChannelEvent): void {
    if (event.type === 'stat_update') {
      const i = this.queue.findIndex((q) => q.type === 'stat_update' && q.stat_type === event.stat_type);
      if (i >= 0) {
        const older = this.queue[i] as ChannelEvent & { update: { delta: number } };
        const newer = event as ChannelEvent & { update: { delta: number } };
        this.queue.splice(i, 1);
        this.queue.push({ ...newer, update: { ...newer.update, delta: older.update.delta + newer.update.delta } });
        this.counters.coalesced++;
        return;
      }
    }
    this.queue.push(event);
    if (this.queue.length > this.limits.maxQueued) {
      this.counters.dropped += this.queue.length;
      this.queue = [];
      this.needsResync = 'slow_consumer';
    }
  }

  private schedulePump(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, 25);
  }

  private async pump(): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount >= this.limits.highWaterBytes) {
      this.schedulePump();
      return;
    }
    if (this.needsResync) {
      const reason = this.needsResync;
      this.needsResync = false;
      const seq = this.seqNow();
      const frames = await this.snapshot(seq);
      this.write({ type: 'resync', seq, reason } as ChannelEvent);
      for (const frame of frames) this.write(frame);
      this.afterSeq = seq;
      this.queue = this.queue.filter((e) => e.seq > seq);
    }
    while (this.queue.length > 0 && this.socket.bufferedAmount < this.limits.highWaterBytes) {
      this.write(this.queue.shift() as ChannelEvent);
    }
    if (this.queue.length > 0 || this.needsResync) this.schedulePump();
  }

  private write(event: ChannelEvent | { type: string; seq: number }): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.corkUntilBurstEnds();
    this.socket.send(serialize(event));
    this.counters.sent++;
    if (this.socket.bufferedAmount > (this.limits.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES)) {
      this.counters.cutOff = (this.counters.cutOff ?? 0) + 1;
      cutOff(this.socket, CLIENT_NOT_READING, 'client not reading');
      return;
    }
    // Corked bytes count in bufferedAmount: let a large burst out in pieces, or it would look
    // like a slow client to deliver() and end in a resync (seen in bench:live at 1000 sessions).
    if (this.corked && this.stream && this.socket.bufferedAmount >= CORK_FLUSH_BYTES) {
      this.stream.uncork();
      this.stream.cork();
    }
  }

  /**
   * The frames of one synchronous burst (a commit publishes every event of a turn's reads) leave
   * in one write: the socket is corked at the first and uncorked in a microtask, once the burst
   * is over, so nothing waits for a later turn: a write syscall per frame was a large share of
   * the server's time (docs/scale-out.md, "The live path's figures"). Corked bytes count in
   * bufferedAmount, hence the flush every CORK_FLUSH_BYTES in write().
   */
  private corkUntilBurstEnds(): void {
    const stream = this.stream;
    if (!stream || this.corked) return;
    this.corked = true;
    stream.cork();
    queueMicrotask(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}
