import type { LiveInput } from '../core/live/liveInput.js';
import type { ChannelEvent, Hub } from './hub.js';

export type Publishable = Omit<ChannelEvent, 'seq'>;

export interface BusHealth {
  kind: 'local' | 'redis';
  /** False while the node cannot reach the bus: it then serves its own events alone. */
  up: boolean;
  /** What waits to go out once the bus is back (events, inputs, and the marks around each commit's). */
  buffered: number;
  /** What was dropped because the wait was longer than the buffer. */
  dropped: number;
  /** Entries this node put on the bus, and took from it. */
  sent: number;
  received: number;
}

/**
 * Where the live engine sends what it publishes. One node: straight into its hub. Several: through
 * Redis (RedisBus), which stamps each channel's seq across nodes and brings every node's events to
 * every node's hub, so that a client may resume on any node.
 */
export interface EventBus {
  /** Publishes on a channel: every node's subscribers get it, under the channel's next seq. */
  publish(channel: string, event: Publishable): void;
  /**
   * For events every node derives from the same state (a status changed by the clock, a metrics
   * tick, an alert): publishes unless some node already did under `key` in the last `ttlMs`.
   * Resolves true when this node's went out.
   */
  publishOnce(key: string, ttlMs: number, channel: string, event: Publishable): Promise<boolean>;
  /** A channel nobody will publish on again for a while (a session that ended): its ring may go. */
  forget(channel: string): void;
  /** Hands what a commit changed to the other nodes, which apply it to their live state. */
  share(input: LiveInput): void;
  /**
   * Runs `work`, which shares and publishes one commit of this node's. With its outbox number
   * (`commit`, when the store kept one), what `work` sends goes out only if no other node took
   * the commit over meanwhile (takeOver), and then marks it published.
   */
  commit(commit: number | undefined, work: () => void): void;
  /** How far these nodes' commits went out (published by them, or taken over): 0 for none. Rejects when the bus is unreachable. */
  published(nodeIds: string[]): Promise<Map<string, number>>;
  /**
   * Takes a node's commits through `commit` over, to publish them from the outbox: its own
   * later attempts at them send nothing. Resolves with its mark before: the commits after it are
   * the caller's. Rejects when the bus is unreachable.
   */
  takeOver(nodeId: string, commit: number): Promise<number>;
  /** Called with each input another node shared. */
  onInput(handler: (input: LiveInput) => void): void;
  /**
   * The events of a channel after `since` up to `upTo`, from the bus's own history: for a client
   * resuming on a node whose hub kept no ring for the channel (it had no subscriber here). Null
   * when the history no longer holds them all.
   */
  history(channel: string, since: number, upTo: number): Promise<ChannelEvent[] | null>;
  /** Records that an alert was acknowledged, for every node to see, for `ttlMs`. Rejects when the bus is unreachable. */
  acknowledge(alertId: string, ttlMs: number): Promise<void>;
  /** Which of these alerts a node acknowledged (see acknowledge). Rejects when the bus is unreachable. */
  acknowledged(alertIds: string[]): Promise<Set<string>>;
  health(): BusHealth;
  close(): Promise<void>;
}

/** The single-node bus: the hub is the bus. */
export class LocalBus implements EventBus {
  constructor(private readonly hub: Hub) {}

  publish(channel: string, event: Publishable): void {
    this.hub.publish(channel, event);
  }

  async publishOnce(_key: string, _ttlMs: number, channel: string, event: Publishable): Promise<boolean> {
    this.hub.publish(channel, event);
    return true;
  }

  forget(channel: string): void {
    this.hub.drop(channel);
  }

  share(): void {}

  // One node has no outbox: nobody else could publish its commits.
  commit(_commit: number | undefined, work: () => void): void {
    work();
  }

  async published(nodeIds: string[]): Promise<Map<string, number>> {
    return new Map(nodeIds.map((id) => [id, 0]));
  }

  async takeOver(): Promise<number> {
    return 0;
  }

  async history(): Promise<ChannelEvent[] | null> {
    return null; // one node: its hub's ring is all there is
  }

  onInput(): void {}

  async acknowledge(): Promise<void> {} // one node: its alert log is all there is

  async acknowledged(): Promise<Set<string>> {
    return new Set();
  }

  health(): BusHealth {
    return { kind: 'local', up: true, buffered: 0, dropped: 0, sent: this.hub.published, received: this.hub.published };
  }

  async close(): Promise<void> {}
}
