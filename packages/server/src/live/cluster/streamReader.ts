import { inputFromJson, type LiveInput } from '../../core/live/liveInput.js';
import type { ChannelEvent, Hub } from '../hub.js';
import { decimal, eventOf, parseFields, rawEntry, withText, type RawEntry } from './redisStream.js';
import type { SentEvents } from './sentEvents.js';

/** Entries per read: a node far behind catches up in batches this large. */
export const READ_COUNT = 1000;
/** How long a failed read waits before the next one (Redis away: ioredis fails at once). */
const RETRY_MS = 250;

/** An entry as XREAD gives it with Buffers: its id and its fields, name and value in turn. */
export type BufferEntry = [id: Buffer, fields: Buffer[]];

/** The two reads the reader makes of the stream: narrow, so that it is tested without Redis. */
export interface StreamSource {
  /** The stream's newest `count` entries, newest first (XREVRANGE), as text. */
  newest(count: number): Promise<[id: string, fields: string[]][]>;
  /** Up to `count` entries after the id `after`, waiting a while for the first (XREAD BLOCK): none when none came. */
  after(after: string, count: number): Promise<BufferEntry[]>;
}

export interface StreamReaderOptions {
  source: StreamSource;
  hub: Hub;
  /** This node: its own inputs are skipped, its own events known by their numbers in `sent`. */
  nodeId: string;
  sent: SentEvents;
  /** Entries read back into the rings at the start, so that a client may resume here at once. */
  warmEntries: number;
  /** Each time a read came back short of full: the reader is level with the stream's end. */
  onCaughtUp: () => void;
  onError: (error: Error) => void;
  /** Waits before reading again after a failed read (tests pass one that does not sleep). */
  pause?: (ms: number) => Promise<void>;
}

/**
 * Reads the bus's stream back into this node (RedisBus): every event, this node's own included,
 * into its hub under the seq Redis stamped, and every input another node shared to `onInput`.
 * Reads on from the last entry it had, across failed reads and outages, until stopped.
 */
export class StreamReader {
  /** Entries read. */
  received = 0;
  /** The last entry read; '$' until the stream's tail is known (Redis was unreachable at start). */
  private lastId = '$';
  private stopped = false;
  private reading: Promise<void> = Promise.resolve();
  private inputHandler: (input: LiveInput) => void = () => {};
  /** The node id as the reader meets it in entries. */
  private readonly nodeIdBytes: Buffer;

  constructor(private readonly options: StreamReaderOptions) {
    this.nodeIdBytes = Buffer.from(options.nodeId);
  }

  onInput(handler: (input: LiveInput) => void): void {
    this.inputHandler = handler;
  }

  /** The stream's last entries into the rings (events only: the live state comes from the store); reading starts after them. */
  async warm(): Promise<void> {
    const newest = await this.options.source.newest(this.options.warmEntries);
    this.lastId = newest[0]?.[0] ?? '0-0';
    for (let i = newest.length - 1; i >= 0; i--) {
      const [, fields] = newest[i] as [string, string[]];
      const entry = parseFields(fields);
      if (entry.k === 'e') this.options.hub.accept(entry.c ?? '', eventOf(entry.d ?? '{}', Number(entry.s)));
    }
  }

  start(): void {
    this.reading = this.loop();
  }

  /** Stops after the read in flight (the caller disconnects what it waits on); resolves once the loop has ended. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.reading;
  }

  private async loop(): Promise<void> {
    const pause = this.options.pause ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    while (!this.stopped) {
      try {
        if (this.lastId === '$') await this.warm();
        const entries = await this.options.source.after(this.lastId, READ_COUNT);
        for (const [, fields] of entries) this.receive(rawEntry(fields));
        const last = entries.at(-1);
        if (last) this.lastId = last[0].toString('latin1');
        if (entries.length < READ_COUNT) this.options.onCaughtUp();
      } catch (error) {
        if (this.stopped) return;
        this.options.onError(error as Error);
        await pause(RETRY_MS);
      }
    }
  }

  private receive(entry: RawEntry): void {
    this.received++;
    const own = entry.origin?.equals(this.nodeIdBytes) ?? false;
    if (entry.kind === 'i') {
      if (!own) this.inputHandler(inputFromJson(entry.data?.toString() ?? '{}'));
      return;
    }
    const hub = this.options.hub;
    const channel = entry.channel?.toString() ?? '';
    const seq = decimal(entry.seq);
    // Sent from this node's outage buffer: its clients had it already, under a seq of its own.
    if (own && entry.replay) return hub.advance(channel, seq);
    const mine = own && entry.n ? this.options.sent.take(decimal(entry.n), channel) : null;
    // Nobody here wants it: its seq is all the hub needs, and it is not parsed.
    if (!hub.wants(channel)) return hub.advance(channel, seq);
    const event = mine ? withText({ ...mine.event, seq } as ChannelEvent, mine.json, seq) : eventOf(entry.data?.toString() ?? '{}', seq);
    hub.accept(channel, event, entry.replay);
  }
}
