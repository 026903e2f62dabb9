import { randomUUID } from 'node:crypto';
import path from 'node:path';
import v8 from 'node:v8';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Alert } from '@claudelens/protocol';
import { AlertMonitor } from '../alerts/alertMonitor.js';
import { BudgetMonitor } from '../alerts/budgetMonitor.js';
import { sharedAcks } from '../alerts/sharedAcks.js';
import { WebhookSender } from '../alerts/webhookSender.js';
import { buildServer } from '../api/buildServer.js';
import { hostAllowList, isLoopback } from '../api/auth.js';
import type { ConnectionLimits } from '../api/connectionLimits.js';
import { UsageError, type Config } from '../config/config.js';
import type { LiveConfig } from '../config/liveConfig.js';
import { LiveState } from '../core/live/liveState.js';
import { backfill } from '../ingest/backfill.js';
import { fileQueue } from '../ingest/fileQueue.js';
import { REMOTE_COMMIT_SPACING_MS } from '../ingest/groupCommits.js';
import { RemoteMirror } from '../ingest/remoteMirror.js';
import { defaultNodeId, SourceLeases } from '../ingest/sourceLeases.js';
import { DirWatchers } from '../ingest/dirWatchers.js';
import type { TranscriptWatcher } from '../ingest/watcher.js';
import { conditionKey } from '../core/alerts/alertEngine.js';
import { Histogram, LATENCY_BUCKETS_MS } from '../core/histogram.js';
import { LocalBus, type BusHealth, type EventBus } from '../live/bus.js';
import { alwaysResumable, channels, ringSize } from '../live/channels.js';
import { DashboardQueries } from '../queries/dashboardQueries.js';
import { Hub } from '../live/hub.js';
import { LiveEngine } from '../live/liveEngine.js';
import { LimitsService } from '../live/limitsService.js';
import { LiveQueries } from '../live/liveQueries.js';
import { OutboxSweeper } from '../live/outboxSweeper.js';
import type { WsOptions } from '../live/wsRoutes.js';
import type { Store } from '../store/repository.js';
import { classifyStoreError, watchStoreFaults } from '../store/storeFaults.js';
import { StoreHealth } from '../store/storeHealth.js';
import { openServices } from './openServices.js';
import { StartupFailed } from './startupFailed.js';

export interface ServeSettings {
  host: string;
  port: number;
  poll?: boolean;
  live: LiveConfig;
  /** Required on every request when set; `serve` refuses a non-loopback address without one. */
  token?: string | null;
  /** Origins besides the server's own that may open WebSockets (a dashboard served elsewhere). */
  allowedOrigins?: string[];
  /** Host names besides the loopback ones requests may use; given, or without a token, the Host is checked (docs/security.md). */
  allowedHosts?: string[];
  /** Timeouts and the connection cap (api/connectionLimits.ts). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Largest POST /api/v1/ingest body in bytes (default 8 MiB). */
  ingestBodyLimit?: number;
  /** Most sessions kept live (default 10,000); past it the least recently active leave the live set. */
  maxLiveSessions?: number;
  /** WebSocket tuning: heartbeat, frame and queue limits. */
  ws?: Pick<WsOptions, 'heartbeatMs' | 'maxPayloadBytes' | 'limits'>;
  /** Several nodes: their events meet on this Redis (docs/scale-out.md). */
  redisUrl?: string | null;
  /** Keys under this prefix in Redis (default `claudelens:`): tests share one Redis. */
  redisKeyPrefix?: string;
  /** This node's name in source leases and on the bus (default host:pid). */
  nodeId?: string;
  /** On a shared database: a claude dir whose node stopped renewing its lease this long ago goes to another node. */
  leaseTtlSeconds?: number;
  /** Several nodes: how often the outbox is swept, and how long another node's commit waits unpublished before this node publishes it (ms, default 5000 each). */
  outbox?: { everyMs: number; afterMs: number };
  /**
   * Called once when the server cannot go on: the store is corrupt, or start-up failed after
   * listening (startServer then rejects with StartupFailed). /healthz answers 503 from then on;
   * `serve` logs the reason and exits. Without it, a start-up failure closes the server and rejects.
   */
  onFatal?: (reason: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: Store;
  engine: LiveEngine;
  alerts: AlertMonitor;
  /** Budgets and plan limits (docs/alerts.md). */
  budgets: BudgetMonitor;
  webhooks: WebhookSender;
  watcher: TranscriptWatcher;
  bus: EventBus;
  /** Several nodes: publishes what a killed node committed and never published. */
  sweeper: OutboxSweeper | null;
  /** The claude dirs this node tails now (on a shared database, the ones whose lease it holds). */
  tailing(): string[];
  close(): Promise<void>;
}

const LEASE_TTL_SECONDS = 15;

/** How long an alert's claim keeps the other nodes from sending the same one: they evaluate within a second or two of each other. */
const ALERT_CLAIM_MS = 5_000;

/** The composition of `serve`: store, live state, hub, HTTP and WebSocket, backfill, then watch. */
export async function startServer(config: Config, settings: ServeSettings, logger?: FastifyBaseLogger): Promise<RunningServer> {
  if (!settings.token && !isLoopback(settings.host)) {
    throw new UsageError(`refusing to serve on ${settings.host} without a token: pass --token or set CLAUDELENS_TOKEN`);
  }
  const { ctx, storeSpec } = openServices(config);
  // Every store error and commit goes by the store's health (/healthz): disk full is degraded
  // until a write goes through again, a corrupt database is fatal (store/storeFaults.ts).
  const health = new StoreHealth({ log: logger, onFatal: settings.onFatal });
  ctx.store = watchStoreFaults(ctx.store, health);
  /** Logs an error unless it is a store fault: the store's health reports those, rate-limited. */
  const warn = (message: string) => (error: Error) => {
    if (!classifyStoreError(error)) logger?.warn({ err: error }, message);
  };
  const thresholds = { idleAfterMs: settings.live.status.idleAfterSeconds * 1000, endedAfterMs: settings.live.status.endedAfterSeconds * 1000 };
  const state = new LiveState(thresholds, Date.now, settings.maxLiveSessions);
  const hub = new Hub(ringSize, alwaysResumable);
  const nodeId = settings.nodeId ?? defaultNodeId();
  // On the bus and in the live outbox a node is this process: restarted under the same --node-id,
  // it numbers its commits from 1 again, and must not take the marks of the process before as its own.
  const busNode = settings.redisUrl ? `${nodeId}@${randomUUID().slice(0, 8)}` : nodeId;
  const bus = await openBus(hub, busNode, settings, logger);
  // Alerts: the rules read the engine's events and the live state; each alert goes on the
  // activity stream and to the webhooks (queued, never awaited here). With several nodes all of
  // them see the same condition; the one that claims it first sends it, and every node keeps
  // the alert that went out (from the activity stream), so they list the same ids.
  const webhooks = new WebhookSender(settings.live.webhooks, { logger });
  const alerts = new AlertMonitor({
    rules: settings.live.alerts,
    sessions: state,
    logger,
    onAlert: (alert) => sendAlert(alert, ALERT_CLAIM_MS),
  });
  const sendAlert = (alert: Alert, claimMs: number) => {
    void engine
      .alert(conditionKey(alert), claimMs, { session_id: alert.session_id ?? undefined, project: alert.project ?? undefined, alert })
      .then((sent) => (sent ? webhooks.send(alert) : alerts.log.remove(alert.id)));
  };
  // A budget's condition holds all day: the claim lasts its cooldown, so nodes checking a minute apart send it once.
  const budgets = new BudgetMonitor({
    store: ctx.store,
    budgets: settings.live.budgets,
    planLimits: settings.live.planLimits,
    logger,
    onAlert: (alert) => sendAlert(alert, (alert.rule === 'budget' ? settings.live.budgets : settings.live.planLimits).cooldownSeconds * 1000),
  });
  hub.subscribe(channels.activity, {
    deliver: (event) => {
      if (event.type === 'alert_triggered') alerts.log.add((event.data as { alert: Alert }).alert);
    },
  });
  const engine = new LiveEngine(state, bus, { onEvents: (events) => alerts.onEvents(events) });
  // Other nodes' commits, once this node's live state is seeded from the store: until then the
  // store already holds what they shared (they share after committing), and the seed has it.
  let seeded = false;
  bus.onInput((input) => {
    if (seeded) engine.onRemote(input);
  });
  const sweeper = settings.redisUrl
    ? new OutboxSweeper(ctx.store, bus, {
        ...(settings.outbox ?? { everyMs: 5000, afterMs: 5000 }),
        publish: (input) => engine.onCommitted(input),
        onError: (error) => logger?.warn({ err: error }, 'outbox sweep failed'),
      })
    : null;
  const queries = new LiveQueries(state, ctx.store, { claudeDirs: config.claudeDirs });
  const limits = new LimitsService(ctx.store, bus, { onChange: (windows) => budgets.onLimits(windows) });
  const counters = { connected: 0, sent: 0, coalesced: 0, dropped: 0, cutOff: 0 };
  // How late the event loop ran timers: what every socket and every read waited on top of its own work.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const ingest = { lines: 0, problems: 0, lastLagMs: 0, startedAt: Date.now(), lag: new Histogram(LATENCY_BUCKETS_MS), commits: new Histogram(LATENCY_BUCKETS_MS) };
  let phase: 'backfilling' | 'live' = 'backfilling';
  // Shipped transcripts: mirrored under <data-dir>/remote, each copy read through this queue.
  const commitSpacingMs = storeSpec.kind === 'postgres' ? REMOTE_COMMIT_SPACING_MS : 0;
  const remoteReads = fileQueue(ctx, warn('remote ingest error'), { commitSpacingMs });
  const remote = new RemoteMirror(path.join(config.dataDir, 'remote'), (file) => remoteReads.read(file));

  const app = await buildServer({
    state: { phase: () => phase, bus: () => bus.health(), store: () => health.state() },
    queries,
    dashboard: new DashboardQueries(state, ctx.store),
    limits,
    alerts: sharedAcks(alerts.log, bus, (error) => logger?.warn({ err: error }, 'alert acknowledgements: bus unreachable')),
    ws: { hub, bus, engine, queries, counters, ...settings.ws },
    auth: { token: settings.token ?? null, allowedOrigins: settings.allowedOrigins, allowedHosts: hostAllowList(settings.token ?? null, settings.allowedHosts) },
    connectionLimits: settings.connectionLimits,
    ingest: { mirror: remote, bodyLimit: settings.ingestBodyLimit, ready: () => phase === 'live' },
    usage: { store: ctx.store, now: Date.now },
    logger,
    metrics: {
      read: () => [
        { name: 'claudelens_ingest_lines_total', help: 'Transcript lines stored since start', type: 'counter', value: ingest.lines },
        { name: 'claudelens_ingest_lines_per_second', help: 'Lines stored per second since start', type: 'gauge', value: ingest.lines / Math.max(1, (Date.now() - ingest.startedAt) / 1000) },
        { name: 'claudelens_ingest_lag_ms', help: 'Time from a file event to its lines being stored, last read', type: 'gauge', value: ingest.lastLagMs },
        { name: 'claudelens_ingest_read_lag_ms', help: 'Time from a file event to its lines being stored, per read', type: 'histogram', histogram: ingest.lag },
        { name: 'claudelens_store_commit_ms', help: 'Time one group commit of tailed reads took in the store', type: 'histogram', histogram: ingest.commits },
        { name: 'claudelens_parse_errors_total', help: 'Parse problems recorded since start', type: 'counter', value: ingest.problems },
        { name: 'claudelens_ws_clients', help: 'Connected WebSocket clients', type: 'gauge', value: counters.connected },
        { name: 'claudelens_ws_events_sent_total', help: 'WebSocket frames sent', type: 'counter', value: counters.sent },
        { name: 'claudelens_ws_events_coalesced_total', help: 'Stat updates merged into a later one', type: 'counter', value: counters.coalesced + engine.coalesced },
        { name: 'claudelens_ws_events_dropped_total', help: 'Queued frames dropped for a resync (slow clients)', type: 'counter', value: counters.dropped },
        { name: 'claudelens_ws_clients_cut_off_total', help: 'WebSocket clients closed for reading nothing (1013) or flooding pings (1008)', type: 'counter', value: counters.cutOff },
        { name: 'claudelens_live_sessions', help: 'Sessions not ended', type: 'gauge', value: state.activeCount() },
        { name: 'claudelens_live_sessions_dropped_total', help: 'Sessions dropped from the live set to keep it within --max-live-sessions (least recently active first)', type: 'counter', value: state.dropped },
        { name: 'claudelens_outbox_published_total', help: "Other nodes' commits this node published from the outbox (their node stopped before publishing)", type: 'counter', value: sweeper?.published ?? 0 },
        { name: 'claudelens_alerts_fired_total', help: 'Alerts triggered since start', type: 'counter', value: alerts.fired },
        { name: 'claudelens_webhook_deliveries_total', help: 'Alerts a webhook accepted (2xx)', type: 'counter', value: webhooks.counters.delivered },
        { name: 'claudelens_webhook_retries_total', help: 'Webhook attempts repeated after a failure', type: 'counter', value: webhooks.counters.retried },
        { name: 'claudelens_webhook_failures_total', help: 'Webhook deliveries given up (retries exhausted or refused)', type: 'counter', value: webhooks.counters.failed },
        { name: 'claudelens_webhook_dropped_total', help: 'Alerts dropped because a webhook queue was full', type: 'counter', value: webhooks.counters.dropped },
        ...busMetrics(bus.health()),
        ...processMetrics(loopDelay),
      ],
    },
  });
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : '';
  // From here on a failure must not leave a server that listens and says "ok" for ever.
  const failStart = async (error: unknown): Promise<never> => {
    const reason = `start-up failed: ${classifyStoreError(error)?.reason ?? (error as Error).message}`;
    if (!settings.onFatal) {
      await app.close();
      throw error;
    }
    health.fail(reason);
    throw new StartupFailed(reason);
  };

  // On a shared database each claude dir is tailed by one node at a time: the one holding its
  // lease. Another node takes a dir over when its holder stops renewing (killed, cut off), and
  // reads on from the offsets the holder committed. One node on its own database tails them all.
  const watcher = new DirWatchers(ctx, {
    poll: settings.poll,
    onError: warn('watch error'),
    onRead: (lagMs) => {
      ingest.lastLagMs = lagMs;
      ingest.lag.observe(lagMs);
    },
    onCommit: (ms) => ingest.commits.observe(ms),
    // Under a lease this node alone writes the dir's offsets (a new watcher per lease held).
    rememberOffsets: storeSpec.kind === 'postgres',
    commitSpacingMs,
  });
  const leases =
    storeSpec.kind === 'postgres'
      ? new SourceLeases(ctx.store, {
          nodeId,
          claudeDirs: config.claudeDirs,
          ttlSeconds: settings.leaseTtlSeconds ?? LEASE_TTL_SECONDS,
          onChange: ({ gained, lost }) => {
            if (phase !== 'live') return; // start-up reads what it holds below
            logger?.info({ gained, lost }, 'claude dirs changed hands');
            // What their last node committed and never published goes out before the lines after
            // it. That node's last commit is at least two thirds of the ttl old by now (it renewed
            // every third of it, then stopped); a live node's newest, milliseconds old, stays its own.
            const wait = (settings.leaseTtlSeconds ?? LEASE_TTL_SECONDS) * 500;
            const published = gained.length > 0 && sweeper ? sweeper.sweep(wait).catch((error: Error) => logger?.warn({ err: error }, 'outbox sweep failed')) : null;
            void Promise.all([watcher.remove(lost), published])
              .then(() => watcher.add(gained))
              .catch((error: Error) => logger?.warn({ err: error }, 'watch error'));
          },
        })
      : null;
  const owned = leases ? await leases.start((error) => logger?.warn({ err: error }, 'lease renewal failed')).catch(failStart) : config.claudeDirs;

  const summary = await backfill(ctx, [...owned, ...(await remote.claudeDirs().catch(failStart))], { storeSpec }).catch(failStart);
  logger?.info(summary, 'backfill done');
  // The live state from the store: sessions not ended yet, and the last hour's rates.
  state.seed(await ctx.store.sessionTotals(new Date(Date.now() - thresholds.endedAfterMs).toISOString()).catch(failStart));
  state.seedRates(await ctx.store.activitySince(new Date(Date.now() - 3600_000).toISOString()).catch(failStart));
  seeded = true;
  ctx.onApplied = (applied) => {
    ingest.lines += applied.newEntries.length;
    ingest.problems += applied.problems;
    alerts.onParseErrors(applied.problems);
    engine.onApplied(applied);
  };
  // Nodes on a bus keep each commit's live input in the store until it is published (OutboxSweeper).
  if (settings.redisUrl) ctx.store.keepOutbox(busNode);
  await watcher.add(leases ? leases.owned() : owned).catch(failStart);
  engine.start();
  sweeper?.start();
  alerts.start();
  budgets.start();
  limitHeapGrowth();
  phase = 'live';
  logger?.info({ url, claudeDirs: config.claudeDirs, tailing: watcher.dirs(), nodeId, bus: bus.health().kind }, 'live');

  return {
    app,
    url,
    store: ctx.store,
    engine,
    alerts,
    budgets,
    webhooks,
    watcher,
    bus,
    sweeper,
    tailing: () => watcher.dirs(),
    async close() {
      engine.stop();
      await sweeper?.stop();
      loopDelay.disable();
      alerts.stop();
      budgets.stop();
      await webhooks.close();
      await app.close();
      remoteReads.close();
      await remoteReads.idle();
      await watcher.close();
      await leases?.stop();
      await bus.close();
      await ctx.store.close();
    },
  };
}

/**
 * From here on V8 grows its heap to at most twice what survives a full collection, not by its own
 * factor of up to 4: the live heap is steady (60-110 MB at 1000 sessions x 2000 lines/s), but
 * V8 let the heap reach 300 MB and RSS climbed from 160 to 430 MiB over bench:live's 5-minute
 * soak. With a factor of 2 RSS levels off at 265-300 MiB after two minutes, at about the same
 * latency (p99 44-49 ms against 37-40); a factor of 1.5 leveled it at 250 MiB but full
 * collections came often enough to hold the event loop 438 ms (p99 93 ms). Set after the
 * backfill, whose worker threads allocate fast and would collect more often for nothing. A
 * --heap-growing-percent given to node itself wins.
 */
function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--heap-growing-percent'));
  if (!given) v8.setFlagsFromString('--heap-growing-percent=100');
}

/** Where the process's memory is: V8's heap (used and reserved), memory outside it, and the RSS. */
function processMetrics(loopDelay: IntervalHistogram) {
  const m = process.memoryUsage();
  return [
    { name: 'claudelens_event_loop_delay_p99_ms', help: 'Event-loop delay since start, 99th percentile', type: 'gauge' as const, value: loopDelay.percentile(99) / 1e6 },
    { name: 'claudelens_event_loop_delay_max_ms', help: 'Event-loop delay since start, longest', type: 'gauge' as const, value: loopDelay.max / 1e6 },
    { name: 'claudelens_process_resident_memory_bytes', help: 'Resident set size', type: 'gauge' as const, value: m.rss },
    { name: 'claudelens_process_heap_used_bytes', help: 'V8 heap in use', type: 'gauge' as const, value: m.heapUsed },
    { name: 'claudelens_process_heap_total_bytes', help: 'V8 heap reserved', type: 'gauge' as const, value: m.heapTotal },
    { name: 'claudelens_process_external_bytes', help: 'Memory outside the V8 heap held by JavaScript objects (buffers)', type: 'gauge' as const, value: m.external },
  ];
}

function busMetrics(health: BusHealth) {
  return [
    { name: 'claudelens_bus_up', help: '1 while the event bus (Redis, or the in-process hub) is reachable', type: 'gauge' as const, value: health.up ? 1 : 0 },
    { name: 'claudelens_bus_buffered', help: 'Events, inputs and commit marks waiting for the bus to come back', type: 'gauge' as const, value: health.buffered },
    { name: 'claudelens_bus_dropped_total', help: 'Events and inputs dropped because the bus was away longer than the buffer', type: 'counter' as const, value: health.dropped },
    { name: 'claudelens_bus_sent_total', help: 'Entries this node put on the bus', type: 'counter' as const, value: health.sent },
    { name: 'claudelens_bus_received_total', help: 'Entries this node took from the bus', type: 'counter' as const, value: health.received },
  ];
}

/** The in-process hub alone, or Redis between nodes when a URL is given. */
async function openBus(hub: Hub, nodeId: string, settings: ServeSettings, logger?: FastifyBaseLogger): Promise<EventBus> {
  if (!settings.redisUrl) return new LocalBus(hub);
  const { RedisBus } = await import('../live/redisBus.js');
  let lastError = '';
  const bus = new RedisBus({
    url: settings.redisUrl,
    nodeId,
    hub,
    keyPrefix: settings.redisKeyPrefix,
    onError: (error) => {
      // ioredis reports every failed reconnect: one line per distinct error is enough.
      if (error.message !== lastError) logger?.warn({ err: error }, 'redis bus error');
      lastError = error.message;
    },
    onStateChange: (up) => {
      if (up) lastError = '';
      logger?.[up ? 'info' : 'warn']({ up }, up ? 'redis bus up: events flow between nodes again' : 'redis bus down: serving this node\'s events alone');
    },
  });
  await bus.start();
  return bus;
}
