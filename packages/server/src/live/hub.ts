/** Anything published on a channel; the hub adds `seq`. */
export type ChannelEvent = { type: string; seq: number } & Record<string, unknown>;

export interface Subscriber {
  /** Called with each event in seq order. */
  deliver(event: ChannelEvent): void;
  /** Events were lost before this node saw them (the bus lost them): the subscriber must resync. */
  resync?(): void;
}

export interface Subscription {
  /** Events after `since`, when the ring still holds them all; null when the client must resync. */
  replay: ChannelEvent[] | null;
  /** The channel's last seq at subscription time. */
  seq: number;
  unsubscribe(): void;
}

interface Channel {
  seq: number;
  ring: ChannelEvent[];
  capacity: number;
  subscribers: Set<Subscriber>;
  /** Set by the first subscriber. Until then nobody can come back for missed events, so none are kept. */
  resumable: boolean;
}

/**
 * In-process fan-out: named channels, each with its own increasing `seq` and a bounded ring of
 * recent events, so that a client reconnecting with `?since=` gets what it missed. Only a channel
 * that has had a subscriber keeps a ring: every live session publishes on two channels, and full
 * rings for all of them held hundreds of MB for clients that never came (docs/scale-out.md, "The live path's figures").
 */
export class Hub {
  private readonly channels = new Map<string, Channel>();
  published = 0;

  constructor(
    private readonly ringSize: (channel: string) => number = () => 1024,
    /** Channels that keep a ring from their first event, subscribed or not (the global ones: any client may come back to them). */
    private readonly alwaysResumable: (channel: string) => boolean = () => false,
  ) {}

  /** Stamps the channel's next seq on the event and delivers it. */
  publish(name: string, event: Omit<ChannelEvent, 'seq'>): ChannelEvent {
    const channel = this.channel(name);
    const stamped = { ...event, seq: channel.seq + 1 } as ChannelEvent;
    this.deliver(channel, stamped);
    return stamped;
  }

  /**
   * Delivers an event another party stamped (the Redis bus: seqs are counted across nodes). An
   * event at or below the channel's seq was seen already and is ignored; one past a gap means
   * events were lost on the way: the ring is cleared (it cannot serve a resume across the gap)
   * and subscribers are told to resync. `jumps`: the seq may skip numbers without anything lost
   * (a node's events from an outage, renumbered above what its own clients saw).
   */
  accept(name: string, event: ChannelEvent, jumps = false): void {
    const channel = this.channel(name);
    if (event.seq <= channel.seq) return;
    if (!jumps && channel.seq > 0 && event.seq > channel.seq + 1) {
      channel.ring = [];
      for (const subscriber of channel.subscribers) subscriber.resync?.();
    }
    this.deliver(channel, event);
  }

  /**
   * Whether an event on the channel would reach anyone here: a subscriber, or a ring kept for a
   * client coming back. The Redis bus hands the others only their seq (`advance`) without parsing
   * them: every node reads every node's events, and most are for sessions nobody watches here.
   */
  wants(name: string): boolean {
    const channel = this.channels.get(name);
    return channel ? channel.resumable || channel.subscribers.size > 0 : this.alwaysResumable(name);
  }

  /** Moves a channel's seq past events its subscribers already had under other seqs (see RedisBus). */
  advance(name: string, seq: number): void {
    const channel = this.channel(name);
    if (seq <= channel.seq) return;
    channel.seq = seq;
    if (channel.ring.length > 0) channel.ring = [];
  }

  /** Every subscriber resyncs and every ring empties: after an outage, when this node's seqs and the bus's parted. */
  resyncAll(): void {
    for (const channel of this.channels.values()) {
      channel.ring = [];
      for (const subscriber of channel.subscribers) subscriber.resync?.();
    }
  }

  private deliver(channel: Channel, stamped: ChannelEvent): void {
    channel.seq = stamped.seq;
    if (channel.resumable) {
      channel.ring.push(stamped);
      if (channel.ring.length > channel.capacity) channel.ring.shift();
    }
    this.published++;
    for (const subscriber of channel.subscribers) subscriber.deliver(stamped);
  }

  subscribe(name: string, subscriber: Subscriber, since?: number): Subscription {
    const channel = this.channel(name);
    channel.subscribers.add(subscriber);
    channel.resumable = true;
    return {
      replay: since === undefined ? [] : this.since(channel, since),
      seq: channel.seq,
      unsubscribe: () => {
        channel.subscribers.delete(subscriber);
      },
    };
  }

  /** The next seq a channel will use, without publishing: for frames a client alone gets (pong, resync, snapshot). */
  seqOf(name: string): number {
    return this.channels.get(name)?.seq ?? 0;
  }

  subscriberCount(): number {
    let n = 0;
    for (const channel of this.channels.values()) n += channel.subscribers.size;
    return n;
  }

  /** Forgets a channel nobody listens to (a session that ended): its ring goes too. */
  drop(name: string): void {
    const channel = this.channels.get(name);
    if (channel && channel.subscribers.size === 0) this.channels.delete(name);
  }

  private since(channel: Channel, since: number): ChannelEvent[] | null {
    if (since >= channel.seq) return since === channel.seq ? [] : null; // ahead of us: we restarted
    const oldest = channel.ring[0]?.seq ?? channel.seq + 1;
    if (since + 1 < oldest) return null;
    return channel.ring.filter((e) => e.seq > since);
  }

  private channel(name: string): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { seq: 0, ring: [], capacity: this.ringSize(name), subscribers: new Set(), resumable: this.alwaysResumable(name) };
      this.channels.set(name, channel);
    }
    return channel;
  }
}
