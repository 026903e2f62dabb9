import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AlertMonitor } from '../../alerts/alertMonitor.js';
import type { WebhookSender } from '../../alerts/webhookSender.js';
import type { Metric } from '../../api/metricsRoute.js';
import { Histogram, LATENCY_BUCKETS_MS } from '../../core/histogram.js';
import type { LiveState } from '../../core/live/liveState.js';
import type { BusHealth, EventBus } from '../../live/bus.js';
import type { LiveEngine } from '../../live/liveEngine.js';
import type { OutboxSweeper } from '../../live/cluster/outboxSweeper.js';
import type { AppliedBatch } from '../../store/repository.js';

/** The parts of `serve` whose own counters GET /metrics reads on each scrape. */
export interface MetricSources {
  state: LiveState;
  engine: LiveEngine;
  bus: EventBus;
  sweeper: OutboxSweeper | null;
  alerts: AlertMonitor;
  webhooks: WebhookSender;
}

/**
 * What GET /metrics says of `serve` (the names are in docs/api.md, "Metrics"): ingest and the
 * sockets count here as they go; the other parts' counters are read from them on each scrape.
 */
export class ServerMetrics {
  /** The WebSocket feeds count into this object (live/wsRoutes.ts). */
  readonly sockets = { connected: 0, sent: 0, coalesced: 0, dropped: 0, cutOff: 0 };
  private lines = 0;
  private problems = 0;
  private lastLagMs = 0;
  private readonly startedAt = Date.now();
  private readonly lag = new Histogram(LATENCY_BUCKETS_MS);
  private readonly commits = new Histogram(LATENCY_BUCKETS_MS);
  // How late the event loop ran timers: what every socket and every read waited on top of its own work.
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly sources: MetricSources) {
    this.loopDelay.enable();
  }

  /** A tailed read was stored `lagMs` after its file event. */
  onRead(lagMs: number): void {
    this.lastLagMs = lagMs;
    this.lag.observe(lagMs);
  }

  onCommit(ms: number): void {
    this.commits.observe(ms);
  }

  onApplied(applied: AppliedBatch): void {
    this.lines += applied.newEntries.length;
    this.problems += applied.problems;
  }

  close(): void {
    this.loopDelay.disable();
  }

  read(): Metric[] {
    const { state, engine, bus, sweeper, alerts, webhooks } = this.sources;
    const sockets = this.sockets;
    return [
      { name: 'claudelens_ingest_lines_total', help: 'Transcript lines stored since start', type: 'counter', value: this.lines },
      { name: 'claudelens_ingest_lines_per_second', help: 'Lines stored per second since start', type: 'gauge', value: this.lines / Math.max(1, (Date.now() - this.startedAt) / 1000) },
      { name: 'claudelens_ingest_lag_ms', help: 'Time from a file event to its lines being stored, last read', type: 'gauge', value: this.lastLagMs },
      { name: 'claudelens_ingest_read_lag_ms', help: 'Time from a file event to its lines being stored, per read', type: 'histogram', histogram: this.lag },
      { name: 'claudelens_store_commit_ms', help: 'Time one group commit of tailed reads took in the store', type: 'histogram', histogram: this.commits },
      { name: 'claudelens_parse_errors_total', help: 'Parse problems recorded since start', type: 'counter', value: this.problems },
      { name: 'claudelens_ws_clients', help: 'Connected WebSocket clients', type: 'gauge', value: sockets.connected },
      { name: 'claudelens_ws_events_sent_total', help: 'WebSocket frames sent', type: 'counter', value: sockets.sent },
      { name: 'claudelens_ws_events_coalesced_total', help: 'Stat updates merged into a later one', type: 'counter', value: sockets.coalesced + engine.coalesced },
      { name: 'claudelens_ws_events_dropped_total', help: 'Queued frames dropped for a resync (slow clients)', type: 'counter', value: sockets.dropped },
      { name: 'claudelens_ws_clients_cut_off_total', help: 'WebSocket clients closed for reading nothing (1013) or flooding pings (1008)', type: 'counter', value: sockets.cutOff },
      { name: 'claudelens_live_sessions', help: 'Sessions not ended', type: 'gauge', value: state.activeCount() },
      { name: 'claudelens_live_sessions_dropped_total', help: 'Sessions dropped from the live set to keep it within --max-live-sessions (least recently active first)', type: 'counter', value: state.dropped },
      { name: 'claudelens_outbox_published_total', help: "Other nodes' commits this node published from the outbox (their node stopped before publishing)", type: 'counter', value: sweeper?.published ?? 0 },
      { name: 'claudelens_alerts_fired_total', help: 'Alerts triggered since start', type: 'counter', value: alerts.fired },
      { name: 'claudelens_webhook_deliveries_total', help: 'Alerts a webhook accepted (2xx)', type: 'counter', value: webhooks.counters.delivered },
      { name: 'claudelens_webhook_retries_total', help: 'Webhook attempts repeated after a failure', type: 'counter', value: webhooks.counters.retried },
      { name: 'claudelens_webhook_failures_total', help: 'Webhook deliveries given up (retries exhausted or refused)', type: 'counter', value: webhooks.counters.failed },
      { name: 'claudelens_webhook_dropped_total', help: 'Alerts dropped because a webhook queue was full', type: 'counter', value: webhooks.counters.dropped },
      ...busMetrics(bus.health()),
      ...this.processMetrics(),
    ];
  }

  /** Where the process's memory is: V8's heap (used and reserved), memory outside it, and the RSS. */
  private processMetrics(): Metric[] {
    const m = process.memoryUsage();
    return [
      { name: 'claudelens_event_loop_delay_p99_ms', help: 'Event-loop delay since start, 99th percentile', type: 'gauge', value: this.loopDelay.percentile(99) / 1e6 },
      { name: 'claudelens_event_loop_delay_max_ms', help: 'Event-loop delay since start, longest', type: 'gauge', value: this.loopDelay.max / 1e6 },
      { name: 'claudelens_process_resident_memory_bytes', help: 'Resident set size', type: 'gauge', value: m.rss },
      { name: 'claudelens_process_heap_used_bytes', help: 'V8 heap in use', type: 'gauge', value: m.heapUsed },
      { name: 'claudelens_process_heap_total_bytes', help: 'V8 heap reserved', type: 'gauge', value: m.heapTotal },
      { name: 'claudelens_process_external_bytes', help: 'Memory outside the V8 heap held by JavaScript objects (buffers)', type: 'gauge', value: m.external },
    ];
  }
}

function busMetrics(health: BusHealth): Metric[] {
  return [
    { name: 'claudelens_bus_up', help: '1 while the event bus (Redis, or the in-process hub) is reachable', type: 'gauge', value: health.up ? 1 : 0 },
    { name: 'claudelens_bus_buffered', help: 'Events, inputs and commit marks waiting for the bus to come back', type: 'gauge', value: health.buffered },
    { name: 'claudelens_bus_dropped_total', help: 'Events and inputs dropped because the bus was away longer than the buffer', type: 'counter', value: health.dropped },
    { name: 'claudelens_bus_sent_total', help: 'Entries this node put on the bus', type: 'counter', value: health.sent },
    { name: 'claudelens_bus_received_total', help: 'Entries this node took from the bus', type: 'counter', value: health.received },
  ];
}
