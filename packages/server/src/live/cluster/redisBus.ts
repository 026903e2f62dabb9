import { Redis } from 'ioredis';
import { inputFromJson, inputToJson, type LiveInput } from '../../core/live/liveInput.js';
import type { BusHealth, EventBus, Publishable } from '../bus.js';
import type { ChannelEvent, Hub } from '../hub.js';
import { callsOf, publishManyArgs, type Outgoing, type Pending } from './publishCalls.js';
import { busScripts, decimal, eventOf, parseFields, rawEntry, readHistory, withText, type BusScripts, type RawEntry } from './redisStream.js';
import type { AckRegistry, CommitCoordinator } from './clusterBus.js';
import { SentEvents } from './sentEvents.js';

export interface RedisBusOptions {
  url: string;
  /** This node, unique among the running ones: it skips its own inputs when they come back. */
  nodeId: string;
  hub: Hub;
  /** Keys are `<prefix>{bus}:…` (one hash slot); tests use their own prefix. */
  keyPrefix?: string;
  /** The stream keeps about this many entries: what a node can catch up on, and warm its rings from. */
  streamLength?: number;
  /** Entries read back into the rings when the node starts, so that a client may resume here at once. */
  warmEntries?: number;
  /** Most events and inputs kept while Redis is unreachable; past it the oldest go (counted). */
  bufferLimit?: number;
  onError?: (error: Error) => void;
  onStateChange?: (up: boolean) => void;
}

const READ_COUNT = 1000;
/** A node's commit mark outlives it this long: a sweep finds its outbox rows well within it (OUTBOX_STALE_MS). */
const MARK_TTL_MS = 24 * 3600_000;

/**
 * The live hub across nodes, on one Redis stream. Every event is stamped by a Lua script with its
 * channel's next seq (a Redis hash) and appended to the stream; every node, this one included,
 * reads the stream and hands each event to its hub under that seq, so seqs agree on every node
 * and a client resumes with `?since=` wherever it reconnects. Inputs (what a commit changed) go on
 * the same stream, so every node's live state sees every node's ingest, in order.
 *
 * Redis unreachable: the node goes on alone. Its events go to its own clients at once under its
 * own next seq, and wait in a bounded buffer together with its inputs; when Redis is back they
 * go out in order (seqs above what any client has seen), the other nodes catch up, and this node
 * moves its seqs past them without sending them twice.
 */
export class RedisBus implements EventBus, CommitCoordinator, AckRegistry {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly scripts: BusScripts;
  /** Published in this turn while Redis is up: sent together once the turn's synchronous work is done. */
  private outgoing: Outgoing[] = [];
  /** This node's events sent in PUBLISH_MANY calls and not read back yet (see SentEvents). */
  private readonly sent = new SentEvents();
  private readonly keys: { seq: string; stream: string; claim: string; ack: string; mark: string };
  private readonly pending: Pending[] = [];
  private state: 'up' | 'down' | 'flushing' = 'down';
  private lastId = '$';
  /** Replaying the buffer after an outage: inside a commit another node took over meanwhile. */
  private replaySkipping = false;
  /** The last of this node's commits whose mark went to Redis: put back after an outage, in case Redis lost it. */
  private lastMark = 0;
  /** Set by an outage; when the reader has caught up after it, every subscriber resyncs. */
  private parted = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private reading: Promise<void> = Promise.resolve();
  private inputHandler: (input: LiveInput) => void = () => {};
  private readonly counters = { sent: 0, received: 0, dropped: 0 };
  /** The node id as the reader meets it in entries. */
  private readonly nodeIdBytes: Buffer;

  constructor(private readonly options: RedisBusOptions) {
    const prefix = `${options.keyPrefix ?? 'claudelens:'}{bus}:`;
    this.nodeIdBytes = Buffer.from(options.nodeId);
    this.keys = { seq: `${prefix}seq`, stream: `${prefix}events`, claim: `${prefix}once:`, ack: `${prefix}ack:`, mark: `${prefix}published:` };
    const connection = {
      lazyConnect: true,
      // Fail at once while disconnected: the caller serves alone and buffers instead of waiting.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Left on: turned off, ioredis drops the commands in flight at a reconnect without settling
      // their promises (a blocked XREAD hung for good). A publish resent may so reach the stream
      // twice: delivery is at least once across a Redis outage. The timeout catches anything else.
      autoResendUnfulfilledCommands: true,
      commandTimeout: 10_000,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
    };
    // Commands issued in one event-loop turn go out in one write. Not the publishing scripts: the
    // bus gathers a turn's events into one call itself, and auto-pipelined they waited for the
    // loop's check phase, which under load came milliseconds after the commit they follow (and a
    // node killed in that time had stored lines that no node ever published).
    this.pub = new Redis(options.url, {
      ...connection,
      enableAutoPipelining: true,
      autoPipeliningIgnoredCommands: ['claudelensPublish', 'claudelensPublishMany'],
    });
    this.sub = new Redis(options.url, connection);
    this.scripts = busScripts(this.pub);
    for (const client of [this.pub, this.sub]) client.on('error', (error: Error) => options.onError?.(error));
    this.pub.on('close', () => this.setDown());
    this.pub.on('ready', () => void this.flush());
  }

  /** Connects, fills the rings from the stream's tail and starts reading. Never rejects: unreachable, the node starts alone. */
  async start(): Promise<void> {
    try {
      await Promise.all([this.pub.connect(), this.sub.connect()]);
      await this.warm();
    } catch (error) {
      this.options.onError?.(error as Error);
    }
    this.reading = this.readLoop();
  }

  onInput(handler: (input: LiveInput) => void): void {
    this.inputHandler = handler;
  }

  publish(channel: string, event: Publishable): void {
    const item: Pending = { kind: 'event', channel, json: JSON.stringify(event) };
    if (this.state === 'up') this.queue(item, event);
    else this.alone(item, event);
  }

  /**
   * Goes in the turn's PUBLISH_MANY call like any event, its claim taken there: every node derives
   * the same status changes and tries to send each, and a script call each took both nodes' CPU
   * and Redis's (docs/scale-out.md, "The live path's figures").
   */
  publishOnce(key: string, ttlMs: number, channel: string, event: Publishable): Promise<boolean> {
    const item: Pending = { kind: 'event', channel, json: JSON.stringify(event), claim: { key, ttlMs } };
    if (this.state !== 'up') {
      this.alone(item, event);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.queue(item, event, resolve));
  }

  forget(channel: string): void {
    this.options.hub.drop(channel);
  }

  share(input: LiveInput): void {
    this.enqueue({ kind: 'input', json: inputToJson(input) });
  }

  /** The commit's items between a gate and a mark: PUBLISH_MANY sends them unless the commit was taken over. */
  commit(commit: number | undefined, work: () => void): void {
    if (commit === undefined) return work();
    this.enqueue({ kind: 'gate', commit });
    work();
    this.enqueue({ kind: 'mark', commit });
  }

  async published(nodeIds: string[]): Promise<Map<string, number>> {
    if (nodeIds.length === 0) return new Map();
    const marks = await this.pub.mget(nodeIds.map((id) => this.keys.mark + id));
    return new Map(nodeIds.map((id, i) => [id, Number(marks[i] ?? 0)]));
  }

  takeOver(nodeId: string, commit: number): Promise<number> {
    return this.scripts.takeOver(this.keys.mark + nodeId, commit, MARK_TTL_MS).then(Number);
  }

  private enqueue(item: Pending): void {
    if (this.state === 'up') this.queue(item);
    else this.alone(item);
  }

  /** Events of the channel after `since` through `upTo`, from the stream (see readHistory). */
  history(channel: string, since: number, upTo: number): Promise<ChannelEvent[] | null> {
    return readHistory(this.pub, this.keys.stream, channel, since, upTo);
  }

  async acknowledge(alertId: string, ttlMs: number): Promise<void> {
    await this.pub.set(this.keys.ack + alertId, '1', 'PX', ttlMs);
  }

  async acknowledged(alertIds: string[]): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    const found = await this.pub.mget(alertIds.map((id) => this.keys.ack + id));
    return new Set(alertIds.filter((_, i) => found[i] !== null));
  }

  health(): BusHealth {
    return { kind: 'redis', up: this.state === 'up', buffered: this.pending.length, ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.sub.disconnect();
    await this.reading;
    this.pub.disconnect();
  }

  /**
   * A commit's input and events go to Redis in one script call at the end of the turn: a call
   * each, every one a Lua run in Redis and a command object, a promise and a reply in ioredis,
   * cost a node more than its PostgreSQL writes (docs/scale-out.md, "The live path's figures").
   */
  private queue(item: Pending, event?: Publishable, claimed?: (sent: boolean) => void): void {
    if (this.outgoing.length === 0) queueMicrotask(() => this.sendQueued());
    this.outgoing.push({ item, event, claimed });
  }

  private sendQueued(): void {
    if (this.outgoing.length === 0) return;
    const queued = this.outgoing;
    this.outgoing = [];
    if (this.state !== 'up') {
      for (const { item, event, claimed } of queued) {
        this.alone(item, event);
        claimed?.(true);
      }
      return;
    }
    for (const call of callsOf(queued)) this.publishMany(call);
  }

  private publishMany(queued: Outgoing[]): void {
    const { argv, markers } = publishManyArgs(
      queued,
      (channel) => this.options.hub.seqOf(channel),
      (channel, json, event) => this.sent.push(channel, json, event),
    );
    this.counters.sent += queued.length - markers;
    const header = [this.options.nodeId, this.streamLength(), MARK_TTL_MS];
    this.scripts.publishMany(this.keys.seq, this.keys.stream, this.keys.claim, this.keys.mark + this.options.nodeId, ...header, ...argv).then(
      (answers) => {
        let next = 0;
        for (const { item, claimed } of queued) {
          if (item.kind === 'mark') this.lastMark = Math.max(this.lastMark, item.commit);
          if (item.kind === 'gate') {
            next++; // 0: taken over, its events never reach the stream (SentEvents passes over their numbers)
          } else if (claimed) claimed(answers[next++] === 1);
        }
      },
      (error: Error) => {
        this.sent.clear(); // whether Redis took them is unknown: what comes back is parsed
        this.options.onError?.(error);
        this.setDown();
        this.flushSoon(); // a command failed on a connection that stayed up: no 'ready' will come
        for (const { item, event, claimed } of queued) {
          this.alone(item, event);
          claimed?.(true);
        }
      },
    );
  }

  /**
   * Redis is not up (or a call just failed): this node's clients get the event at once, under its
   * own next seq, and the item waits in the buffer for Redis. A claimed event counts as sent.
   */
  private alone(item: Pending, event?: Publishable): void {
    if (item.kind === 'event' && event) this.options.hub.publish(item.channel, event);
    this.buffer(item);
  }

  private buffer(item: Pending): void {
    this.pending.push(item);
    if (this.pending.length > (this.options.bufferLimit ?? 100_000)) {
      this.pending.shift();
      this.counters.dropped++;
    }
  }

  /** One buffered item to Redis after an outage, marked as a replay: its node's clients had it already. */
  private async replay(item: Pending): Promise<void> {
    if (item.kind === 'gate') {
      this.replaySkipping = Number((await this.pub.get(this.keys.mark + this.options.nodeId)) ?? 0) >= item.commit;
      return;
    }
    if (item.kind === 'mark') {
      // Moves the node's own mark up, as PUBLISH_MANY's 'w' does.
      if (!this.replaySkipping) await this.takeOver(this.options.nodeId, item.commit);
      this.lastMark = Math.max(this.lastMark, item.commit);
      this.replaySkipping = false;
      return;
    }
    if (this.replaySkipping) return; // another node published this commit from the outbox
    this.counters.sent++;
    if (item.kind === 'input') {
      await this.pub.xadd(this.keys.stream, 'MAXLEN', '~', this.streamLength(), '*', 'k', 'i', 'o', this.options.nodeId, 'd', item.json);
      return;
    }
    await this.scripts.publish(
      this.keys.seq,
      this.keys.stream,
      item.claim ? this.keys.claim + item.claim.key : this.keys.seq,
      item.channel,
      item.json,
      this.options.nodeId,
      '1',
      this.options.hub.seqOf(item.channel),
      item.claim ? String(item.claim.ttlMs) : '',
      this.streamLength(),
    );
  }

  /** Back from an outage: what waited goes out in order, then new events go straight to Redis again. */
  private async flush(): Promise<void> {
    if (this.state !== 'down' || this.closed) return;
    this.state = 'flushing';
    try {
      // A Redis restarted empty lost the marks: this node's published commits, still in the
      // outbox until the next sweep, would look unpublished to the other nodes' sweeps.
      if (this.lastMark > 0) await this.takeOver(this.options.nodeId, this.lastMark);
      while (this.pending.length > 0) {
        await this.replay(this.pending[0] as Pending);
        this.pending.shift();
      }
      this.state = 'up';
      this.options.onStateChange?.(true);
    } catch (error) {
      this.options.onError?.(error as Error);
      this.state = 'down';
      this.flushSoon(); // or the next 'ready'
    }
  }

  /** Tries the buffer again shortly when the connection is up (a reconnect calls flush by itself). */
  private flushSoon(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.pub.status === 'ready') void this.flush();
    }, 500);
    this.retryTimer.unref?.();
  }

  private setDown(): void {
    // Closing drops the connection too: that is no outage, and `serve` would log one at every stop.
    if (this.state === 'down' || this.closed) return;
    this.sent.clear();
    this.state = 'down';
    this.parted = true;
    this.options.onStateChange?.(false);
  }

  private streamLength(): number {
    return this.options.streamLength ?? 100_000;
  }

  /** The stream's last entries into the rings (events only: the live state comes from the store). */
  private async warm(): Promise<void> {
    const newest = await this.sub.xrevrange(this.keys.stream, '+', '-', 'COUNT', this.options.warmEntries ?? 20_000);
    this.lastId = newest[0]?.[0] ?? '0-0';
    for (let i = newest.length - 1; i >= 0; i--) {
      const [, fields] = newest[i] as [string, string[]];
      const entry = parseFields(fields);
      if (entry.k === 'e') this.options.hub.accept(entry.c ?? '', eventOf(entry.d ?? '{}', Number(entry.s)));
    }
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      try {
        if (this.lastId === '$') await this.warm(); // Redis was unreachable at start
        const result = await this.sub.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', 1000, 'STREAMS', this.keys.stream, this.lastId);
        let read = 0;
        for (const [, entries] of result ?? []) {
          for (const [, fields] of entries) this.receive(rawEntry(fields));
          read += entries.length;
          const last = entries.at(-1);
          if (last) this.lastId = last[0].toString('latin1');
        }
        if (this.parted && this.state === 'up' && read < READ_COUNT) {
          // Caught up after an outage: during it this node counted seqs alone and skipped what the
          // other nodes published under the same numbers. Clients get a resync and a snapshot,
          // which the other nodes' inputs, read by now, have brought up to date.
          this.parted = false;
          this.options.hub.resyncAll();
        }
      } catch (error) {
        if (this.closed) return;
        this.options.onError?.(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private receive(entry: RawEntry): void {
    this.counters.received++;
    const own = entry.origin?.equals(this.nodeIdBytes) ?? false;
    if (entry.kind === 'i') {
      if (!own) this.inputHandler(inputFromJson(entry.data?.toString() ?? '{}'));
      return;
    }
    const channel = entry.channel?.toString() ?? '';
    const seq = decimal(entry.seq);
    // Sent from this node's outage buffer: its clients had it already, under a seq of its own.
    if (own && entry.replay) return this.options.hub.advance(channel, seq);
    const mine = own && entry.n ? this.sent.take(decimal(entry.n), channel) : null;
    // Nobody here wants it: its seq is all the hub needs, and it is not parsed.
    if (!this.options.hub.wants(channel)) return this.options.hub.advance(channel, seq);
    const event = mine ? withText({ ...mine.event, seq } as ChannelEvent, mine.json, seq) : eventOf(entry.data?.toString() ?? '{}', seq);
    this.options.hub.accept(channel, event, entry.replay);
  }
}
