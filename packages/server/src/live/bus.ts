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
 * Fan-out: where the live engine, the limits service, the alerts and the WebSocket routes send
 * what they publish, and where a resume finds what the hub no longer keeps. One node: straight
 * into its hub (LocalBus). Several: through Redis (cluster/redisBus.ts), which stamps each
 * channel's seq across nodes and brings every node's events to every node's hub, so that a client
 * may resume on any node. What only several nodes need (sharing commits, taking a dead node's
 * over, shared acknowledgements) is in cluster/clusterBus.ts: the single node passes none of it.
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
  /**
   * The events of a channel after `since` up to `upTo`, from the bus's own history: for a client
   * resuming on a node whose hub kept no ring for the channel (it had no subscriber here). Null
   * when the history no longer holds them all.
   */
  history(channel: string, since: number, upTo: number): Promise<ChannelEvent[] | null>;
  health(): BusHealth;
  close(): Promise<void>;
}

/** The single-node bus: the hub is the bus. */
export class LocalBus implements EventBus {
  constructor(private readonly hub: Hub) {}

  publish(channel: string, event: Publishable): void {
    this.hub.publish(channel, event);
  }

  // One node: nobody else could have claimed the key.
  async publishOnce(_key: string, _ttlMs: number, channel: string, event: Publishable): Promise<boolean> {
    this.hub.publish(channel, event);
    return true;
  }

  forget(channel: string): void {
    this.hub.drop(channel);
  }

  async history(): Promise<ChannelEvent[] | null> {
    return null; // one node: its hub's ring is all there is
  }

  health(): BusHealth {
    return { kind: 'local', up: true, buffered: 0, dropped: 0, sent: this.hub.published, received: this.hub.published };
  }

  async close(): Promise<void> {}
}
