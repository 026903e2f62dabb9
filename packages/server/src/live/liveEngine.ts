import { formatStat, type ActivityEvent, type MetricUpdateEvent, type MetricUpdates, type StatType, type StatUpdateEvent } from '@claudelens/protocol';
import { liveInput, type LiveInput } from '../core/live/liveInput.js';
import type { LiveEvent, LiveState } from '../core/live/liveState.js';
import type { AppliedBatch } from '../store/repository.js';
import type { EventBus } from './bus.js';
import { channels } from './channels.js';
import type { CommitCoordinator } from './cluster/clusterBus.js';

export interface EngineOptions {
  /** A session's stat updates are sent at most once per this many ms (the first at once). */
  statIntervalMs?: number;
  /** How often session status is derived from the clock. */
  tickMs?: number;
  /** How often the metrics are checked: a metric_update goes out when they changed. */
  metricsTickMs?: number;
  /** metric_update at least this often while any session is active. */
  metricsEveryMs?: number;
  now?: () => number;
  /** Domain events, for the alert engine and metrics. */
  onEvents?: (events: LiveEvent[]) => void;
  /** Several nodes: each commit is shared with them, its events sent unless another node took it over. */
  cluster?: CommitCoordinator;
}

type PendingStats = Map<StatType, { value: number; delta: number }>;
/** An activity event as built here: the hub gives it its `seq`. */
type ActivityEventBody = ActivityEvent extends infer E ? (E extends ActivityEvent ? Omit<E, 'seq'> : never) : never;
type ActivityData<T extends ActivityEvent['type']> = Extract<ActivityEvent, { type: T }>['data'];

/** How long a node's claim on a derived event (status by the clock, a metrics tick) holds off the others. */
const CLAIM_MS = 60_000;

/** Where a batch of domain events came from: this node's commit, another node's, or the clock. */
type Origin = 'commit' | 'remote' | 'clock';

/**
 * Turns what the store committed into live events on the bus: feeds the pure live state, maps
 * its domain events to the wire events of each channel, coalesces a session's stat updates to
 * one per stat per interval, and ticks status and metrics.
 *
 * With several nodes every node's live state applies every node's commits (`options.cluster` shares them).
 * What a commit brings (messages, stat updates, and the status changes and session starts its
 * lines cause) only the node that made it publishes. What the clock causes (idle, ended), metrics
 * and alerts every node derives alike: those go out through `publishOnce`, under a key naming the
 * change, and only the first node's copy is sent.
 */
export class LiveEngine {
  private readonly statIntervalMs: number;
  private readonly pending = new Map<string, PendingStats>();
  private readonly lastFlush = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private ticker: NodeJS.Timeout | null = null;
  private metricsTicker: NodeJS.Timeout | null = null;
  private lastMetrics = '';
  private lastMetricsAt = 0;
  private readonly now: () => number;
  coalesced = 0;

  constructor(
    readonly state: LiveState,
    private readonly bus: EventBus,
    private readonly options: EngineOptions = {},
  ) {
    this.statIntervalMs = options.statIntervalMs ?? 50;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.ticker = setInterval(() => this.tick(), this.options.tickMs ?? 250);
    this.ticker.unref?.();
    this.metricsTicker = setInterval(() => this.publishMetrics(), this.metricsTickMs);
    this.metricsTicker.unref?.();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.metricsTicker) clearInterval(this.metricsTicker);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * A commit of this node's, as the store returned it. Metrics are not published here but on the
   * next metrics tick (at most one metric_update per tick): one per commit overran the metrics
   * channel's resume ring (docs/scale-out.md, "The live path's figures").
   */
  onApplied(applied: AppliedBatch): void {
    this.onCommitted(liveInput(applied.newEntries, applied.requestChanges, applied.sessions), applied.commit);
  }

  /**
   * A commit this node publishes: its own (numbered `commit` when the store kept it in the
   * outbox), or another node's taken over from the outbox (OutboxSweeper).
   */
  onCommitted(input: LiveInput, commit?: number): void {
    const cluster = this.options.cluster;
    // One node: nobody else could publish its commits, nor needs them.
    if (!cluster) return this.publish(this.state.apply(input), 'commit');
    cluster.commit(commit, () => {
      cluster.share(input);
      this.publish(this.state.apply(input), 'commit');
    });
  }

  /**
   * What another node committed: this node's live state follows, and publishes nothing of it; that
   * node sent its messages, stats and status changes. Offering those status changes here too would
   * cost a Redis script item each, every one lost to the committing node's claim (docs/scale-out.md,
   * "The live path's figures").
   */
  onRemote(input: LiveInput): void {
    this.publish(this.state.apply(input), 'remote');
  }

  tick(): void {
    this.publish(this.state.tick(), 'clock');
  }

  /**
   * Every 50 ms by default, like a session's stat updates: a client's metric cards are at most
   * that far behind the transcript (with the 250 ms status tick they trailed it: docs/scale-out.md,
   * "The live path's figures").
   */
  private get metricsTickMs(): number {
    return this.options.metricsTickMs ?? 50;
  }

  /** A metric_update when the metrics changed, or as a heartbeat while any session is active; claimed once per tick slot. */
  publishMetrics(): void {
    const metrics = this.state.metricUpdates();
    const key = JSON.stringify(metrics);
    const now = this.now();
    const heartbeat = metrics.active_sessions > 0 && now - this.lastMetricsAt >= (this.options.metricsEveryMs ?? 1000);
    if (key === this.lastMetrics && !heartbeat) return;
    this.lastMetrics = key;
    this.lastMetricsAt = now;
    const slot = Math.floor(now / this.metricsTickMs);
    void this.bus.publishOnce(`metrics:${slot}`, CLAIM_MS / 12, channels.metrics, metricEvent(metrics, now));
  }

  private publish(events: LiveEvent[], origin: Origin): void {
    if (events.length === 0) return;
    this.options.onEvents?.(events);
    const at = new Date(this.now()).toISOString();
    for (const event of events) {
      if (origin === 'remote' || event.kind === 'dropped') {
        // A dropped session is out of the live set already: nothing goes out for it (it did not
        // end), its channels' rings and pending stat flushes go.
        if (event.kind === 'ended' || event.kind === 'dropped') this.forget(event.sessionId);
        continue;
      }
      switch (event.kind) {
        case 'message':
          this.bus.publish(channels.session(event.sessionId), { type: 'new_message', session_id: event.sessionId, message: event.message });
          this.activity({
            type: 'new_message',
            timestamp: at,
            data: {
              session_id: event.sessionId,
              project: event.project ?? undefined,
              message_type: event.message.author,
              cost: event.cost,
              tool: event.message.tool_used,
              uuid: event.message.uuid,
              summary: event.message.preview,
              message_timestamp: event.message.timestamp,
            },
          });
          break;
        case 'stats':
          this.queueStats(event.sessionId, event.changes);
          break;
        case 'status': {
          const key = `status:${this.episode(event.sessionId)}:${event.status}`;
          void this.bus.publishOnce(key, CLAIM_MS, channels.session(event.sessionId), {
            type: 'session_update',
            session_id: event.sessionId,
            timestamp: at,
            status: event.status,
            previous_status: event.previous,
          });
          this.activityOnce(key, { type: 'session_update', timestamp: at, data: { session_id: event.sessionId, project: event.project ?? undefined, status: event.status, previous_status: event.previous } });
          break;
        }
        case 'started':
          this.activityOnce(`started:${this.episode(event.sessionId)}`, {
            type: 'session_started',
            timestamp: at,
            data: { session_id: event.sessionId, project: event.project ?? undefined, message_timestamp: event.at ?? undefined },
          });
          break;
        case 'ended':
          this.activityOnce(`ended:${this.episode(event.sessionId)}`, { type: 'session_ended', timestamp: at, data: { session_id: event.sessionId, project: event.project ?? undefined } });
          this.forget(event.sessionId);
          break;
      }
    }
  }

  /** A session that ended: its channels' rings and its live state go (the store answers for it). */
  private forget(sessionId: string): void {
    // A flush still due goes now: later, it would make the stats channel again, for good.
    if (this.timers.has(sessionId)) this.flushStats(sessionId);
    this.bus.forget(channels.session(sessionId));
    this.bus.forget(channels.stats(sessionId));
    this.state.forget(sessionId);
    this.lastFlush.delete(sessionId);
  }

  /** A status change is named by the session and the activity it follows: every node derives the same. */
  private episode(sessionId: string): string {
    return `${sessionId}:${this.state.get(sessionId)?.lastActivityMs ?? 0}`;
  }

  /**
   * Publishes an alert on the activity stream, unless another node already did for the same
   * condition (`key`) within `ttlMs`. Resolves true when this node's went out.
   */
  alert(key: string, ttlMs: number, data: ActivityData<'alert_triggered'>): Promise<boolean> {
    return publishAlert(this.bus, key, ttlMs, data, this.now());
  }

  private activity(event: ActivityEventBody): void {
    this.bus.publish(channels.activity, { ...event, data: withoutUndefined(event.data) });
  }

  private activityOnce(key: string, event: ActivityEventBody, ttlMs = CLAIM_MS): Promise<boolean> {
    return this.bus.publishOnce(`activity:${key}`, ttlMs, channels.activity, { ...event, data: withoutUndefined(event.data) });
  }

  /** Leading edge plus a trailing flush: the first update goes out at once, a burst becomes one update per stat. */
  private queueStats(sessionId: string, changes: { stat: StatType; value: number; delta: number }[]): void {
    let pending = this.pending.get(sessionId);
    if (!pending) {
      pending = new Map();
      this.pending.set(sessionId, pending);
    }
    for (const change of changes) {
      const queued = pending.get(change.stat);
      if (queued) this.coalesced++;
      pending.set(change.stat, { value: change.value, delta: (queued?.delta ?? 0) + change.delta });
    }
    const wait = (this.lastFlush.get(sessionId) ?? 0) + this.statIntervalMs - this.now();
    if (wait <= 0) this.flushStats(sessionId);
    else if (!this.timers.has(sessionId)) {
      this.timers.set(
        sessionId,
        setTimeout(() => this.flushStats(sessionId), wait),
      );
    }
  }

  private flushStats(sessionId: string): void {
    const timer = this.timers.get(sessionId);
    if (timer) clearTimeout(timer);
    this.timers.delete(sessionId);
    const pending = this.pending.get(sessionId);
    this.pending.delete(sessionId);
    // Not for a session forgotten meanwhile (ended, or dropped from the live set): kept, every such
    // session would stay in this map for good.
    if (this.state.get(sessionId)) this.lastFlush.set(sessionId, this.now());
    if (!pending) return;
    const timestamp = new Date(this.now()).toISOString();
    for (const [stat, { value, delta }] of pending) {
      this.bus.publish(channels.stats(sessionId), statEvent(sessionId, stat, value, delta, timestamp));
    }
  }
}

export function statEvent(sessionId: string, stat: StatType, value: number, delta: number, timestamp: string): Omit<StatUpdateEvent, 'seq'> {
  return {
    type: 'stat_update',
    stat_type: stat,
    session_id: sessionId,
    timestamp,
    update: { new_value: value, formatted_value: formatStat(stat, value), delta, animation: delta > 0 ? 'increment' : 'none' },
  };
}

export function metricEvent(metrics: MetricUpdates, now: number): Omit<MetricUpdateEvent, 'seq'> {
  return { type: 'metric_update', timestamp: new Date(now).toISOString(), data: { metric_updates: metrics } };
}

/**
 * Publishes an alert on the activity stream, unless another node already did for the same
 * condition (`key`) within `ttlMs`: the engine's `alert`, for senders that hold only the bus.
 */
export function publishAlert(bus: EventBus, key: string, ttlMs: number, data: ActivityData<'alert_triggered'>, now: number): Promise<boolean> {
  return bus.publishOnce(`activity:alert:${key}`, ttlMs, channels.activity, { type: 'alert_triggered', timestamp: new Date(now).toISOString(), data: withoutUndefined(data) });
}

/** A copy without the keys whose value is undefined; a loop, not entries/filter/fromEntries (5x slower): it runs for every message published. */
function withoutUndefined<T extends object>(value: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) copy[key] = v;
  }
  return copy as T;
}
