import type { Redis } from 'ioredis';
import { inputToJson, type LiveInput } from '../../core/live/liveInput.js';
import type { BusHealth, EventBus, Publishable } from '../bus.js';
import type { ChannelEvent, Hub } from '../hub.js';
import type { AckRegistry, CommitCoordinator } from './clusterBus.js';
import { OutageBuffer, type ReplayTarget } from './outageBuffer.js';
import { callsOf, publishManyArgs, settleCall, type Outgoing, type Pending } from './publishCalls.js';
import { busClients, disconnected, streamSource } from './redisClients.js';
import { busKeys, busScripts, readHistory, sendReplay, type BusKeys, type BusScripts } from './redisStream.js';
import { SentEvents } from './sentEvents.js';
import { StreamReader } from './streamReader.js';

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
 * own next seq, and wait in a bounded buffer (OutageBuffer) together with its inputs; when Redis is
 * back they go out in order (seqs above what any client has seen), the other nodes catch up, and
 * this node moves its seqs past them without sending them twice. The stream comes back into this
 * node's hub through its StreamReader.
 */
export class RedisBus implements EventBus, CommitCoordinator, AckRegistry {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly scripts: BusScripts;
  /** Published in this turn while Redis is up: sent together once the turn's synchronous work is done. */
  private outgoing: Outgoing[] = [];
  /** This node's events sent in PUBLISH_MANY calls and not read back yet (see SentEvents). */
  private readonly sent = new SentEvents();
  private readonly keys: BusKeys;
  private readonly streamLength: number;
  private readonly buffer: OutageBuffer;
  private readonly reader: StreamReader;
  private state: 'up' | 'down' | 'flushing' = 'down';
  /** The last of this node's commits whose mark went to Redis: put back after an outage, in case Redis lost it. */
  private lastMark = 0;
  /** Set by an outage; when the reader has caught up after it, every subscriber resyncs. */
  private parted = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Entries this node put on the stream (events and inputs; not the commit markers). */
  private sentCount = 0;

  constructor(private readonly options: RedisBusOptions) {
    this.keys = busKeys(options.keyPrefix);
    this.streamLength = options.streamLength ?? 100_000;
    ({ pub: this.pub, sub: this.sub } = busClients(options.url));
    this.scripts = busScripts(this.pub);
    for (const client of [this.pub, this.sub]) client.on('error', (error: Error) => options.onError?.(error));
    this.pub.on('close', () => this.setDown());
    this.pub.on('ready', () => void this.flush());
    this.buffer = new OutageBuffer(options.bufferLimit ?? 100_000);
    this.reader = new StreamReader({
      source: streamSource(this.sub, this.keys.stream),
      hub: options.hub,
      nodeId: options.nodeId,
      sent: this.sent,
      warmEntries: options.warmEntries ?? 20_000,
      onCaughtUp: () => this.caughtUp(),
      onError: (error) => options.onError?.(error),
    });
  }

  /** Connects, fills the rings from the stream's tail and starts reading. Never rejects: unreachable, the node starts alone. */
  async start(): Promise<void> {
    try {
      await Promise.all([this.pub.connect(), this.sub.connect()]);
      await this.reader.warm();
    } catch (error) {
      this.options.onError?.(error as Error);
    }
    this.reader.start();
  }

  onInput(handler: (input: LiveInput) => void): void {
    this.reader.onInput(handler);
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
    const { size: buffered, dropped } = this.buffer;
    return { kind: 'redis', up: this.state === 'up', buffered, dropped, sent: this.sentCount, received: this.reader.received };
  }

  /** Resolves once the connections are closed: their 'close' is no outage then (see setDown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const reading = this.reader.stop();
    this.sub.disconnect();
    await reading;
    await disconnected(this.pub);
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
    if (this.state !== 'up') return this.aloneAll(queued);
    for (const call of callsOf(queued)) this.publishMany(call);
  }

  private publishMany(queued: Outgoing[]): void {
    const { argv, markers } = publishManyArgs(
      queued,
      (channel) => this.options.hub.seqOf(channel),
      (channel, json, event) => this.sent.push(channel, json, event),
    );
    this.sentCount += queued.length - markers;
    const header = [this.options.nodeId, this.streamLength, MARK_TTL_MS];
    this.scripts.publishMany(this.keys.seq, this.keys.stream, this.keys.claim, this.keys.mark + this.options.nodeId, ...header, ...argv).then(
      (answers) => (this.lastMark = Math.max(this.lastMark, settleCall(queued, answers))),
      (error: Error) => {
        this.sent.clear(); // whether Redis took them is unknown: what comes back is parsed
        this.options.onError?.(error);
        this.setDown();
        this.flushSoon(); // a command failed on a connection that stayed up: no 'ready' will come
        this.aloneAll(queued);
      },
    );
  }

  /**
   * Redis is not up (or a call just failed): this node's clients get the event at once, under its
   * own next seq, and the item waits in the buffer for Redis. A claimed event counts as sent.
   */
  private alone(item: Pending, event?: Publishable): void {
    if (item.kind === 'event' && event) this.options.hub.publish(item.channel, event);
    this.buffer.push(item);
  }

  private aloneAll(queued: Outgoing[]): void {
    for (const { item, event, claimed } of queued) {
      this.alone(item, event);
      claimed?.(true);
    }
  }

  /** Back from an outage: what waited goes out in order, then new events go straight to Redis again. */
  private async flush(): Promise<void> {
    if (this.state !== 'down' || this.closed) return;
    this.state = 'flushing';
    try {
      // A Redis restarted empty lost the marks: this node's published commits, still in the
      // outbox until the next sweep, would look unpublished to the other nodes' sweeps.
      if (this.lastMark > 0) await this.takeOver(this.options.nodeId, this.lastMark);
      await this.buffer.replay(this.replayTarget);
      this.state = 'up';
      this.options.onStateChange?.(true);
    } catch (error) {
      this.options.onError?.(error as Error);
      this.state = 'down';
      this.flushSoon(); // or the next 'ready'
    }
  }

  /** The buffer's items to Redis, each marked as a replay: its node's clients had it already. */
  private readonly replayTarget: ReplayTarget = {
    mark: async () => Number((await this.pub.get(this.keys.mark + this.options.nodeId)) ?? 0),
    commitDone: async (commit, sent) => {
      // Moves the node's own mark up, as PUBLISH_MANY's 'w' does.
      if (sent) await this.takeOver(this.options.nodeId, commit);
      this.lastMark = Math.max(this.lastMark, commit);
    },
    send: (item) => {
      this.sentCount++;
      const floor = item.kind === 'event' ? this.options.hub.seqOf(item.channel) : 0;
      return sendReplay(this.pub, this.scripts, this.keys, item, { id: this.options.nodeId, floor, streamLength: this.streamLength });
    },
  };

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

  /**
   * Caught up after an outage: during it this node counted seqs alone and skipped what the other
   * nodes published under the same numbers. Clients get a resync and a snapshot, which the other
   * nodes' inputs, read by now, have brought up to date.
   */
  private caughtUp(): void {
    if (!this.parted || this.state !== 'up') return;
    this.parted = false;
    this.options.hub.resyncAll();
  }
}
