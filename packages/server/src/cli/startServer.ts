import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { AlertMonitor } from '../alerts/alertMonitor.js';
import { WebhookSender } from '../alerts/webhookSender.js';
import { buildServer } from '../api/buildServer.js';
import { isLoopback } from '../api/auth.js';
import { UsageError, type Config } from '../config/config.js';
import type { LiveConfig } from '../config/liveConfig.js';
import { LiveState } from '../core/live/liveState.js';
import { backfill } from '../ingest/backfill.js';
import { fileQueue } from '../ingest/fileQueue.js';
import { RemoteMirror } from '../ingest/remoteMirror.js';
import { watchTranscripts, type TranscriptWatcher } from '../ingest/watcher.js';
import { ringSize } from '../live/channels.js';
import { DashboardQueries } from '../live/dashboardQueries.js';
import { Hub } from '../live/hub.js';
import { LiveEngine } from '../live/liveEngine.js';
import { LiveQueries } from '../live/liveQueries.js';
import type { WsOptions } from '../live/wsRoutes.js';
import type { Store } from '../store/repository.js';
import { openServices } from './openServices.js';

export interface ServeSettings {
  host: string;
  port: number;
  poll?: boolean;
  live: LiveConfig;
  /** Required on every request when set; `serve` refuses a non-loopback address without one. */
  token?: string | null;
  /** Origins besides the server's own that may open WebSockets (a dashboard served elsewhere). */
  allowedOrigins?: string[];
  /** Largest POST /api/v1/ingest body in bytes (default 8 MiB). */
  ingestBodyLimit?: number;
  /** WebSocket tuning: heartbeat, frame and queue limits. */
  ws?: Pick<WsOptions, 'heartbeatMs' | 'maxPayloadBytes' | 'limits'>;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: Store;
  engine: LiveEngine;
  alerts: AlertMonitor;
  webhooks: WebhookSender;
  watcher: TranscriptWatcher;
  close(): Promise<void>;
}

/** The composition of `serve`: store, live state, hub, HTTP and WebSocket, backfill, then watch. */
export async function startServer(config: Config, settings: ServeSettings, logger?: FastifyBaseLogger): Promise<RunningServer> {
  if (!settings.token && !isLoopback(settings.host)) {
    throw new UsageError(`refusing to serve on ${settings.host} without a token: pass --token or set CLAUDELENS_TOKEN`);
  }
  const { ctx, storeSpec } = openServices(config);
  const thresholds = { idleAfterMs: settings.live.status.idleAfterSeconds * 1000, endedAfterMs: settings.live.status.endedAfterSeconds * 1000 };
  const state = new LiveState(thresholds, Date.now);
  const hub = new Hub(ringSize);
  // Alerts: the rules read the engine's events and the live state; each alert goes on the
  // activity stream and to the webhooks (queued, never awaited here).
  const webhooks = new WebhookSender(settings.live.webhooks, { logger });
  const alerts = new AlertMonitor({
    rules: settings.live.alerts,
    sessions: state,
    logger,
    onAlert: (alert) => {
      engine.alert({ session_id: alert.session_id ?? undefined, project: alert.project ?? undefined, alert });
      webhooks.send(alert);
    },
  });
  const engine = new LiveEngine(state, hub, { onEvents: (events) => alerts.onEvents(events) });
  const queries = new LiveQueries(state, ctx.store);
  const counters = { connected: 0, sent: 0, coalesced: 0, dropped: 0 };
  const ingest = { lines: 0, problems: 0, lastLagMs: 0, startedAt: Date.now() };
  let phase: 'backfilling' | 'live' = 'backfilling';
  // Shipped transcripts: mirrored under <data-dir>/remote, each copy read through this queue.
  const remoteReads = fileQueue(ctx, (error) => logger?.warn({ err: error }, 'remote ingest error'));
  const remote = new RemoteMirror(path.join(config.dataDir, 'remote'), (file) => remoteReads.read(file));

  const app = await buildServer({
    state: { phase: () => phase },
    queries,
    dashboard: new DashboardQueries(state, ctx.store),
    alerts: alerts.log,
    ws: { hub, engine, queries, counters, ...settings.ws },
    auth: { token: settings.token ?? null, allowedOrigins: settings.allowedOrigins },
    ingest: { mirror: remote, bodyLimit: settings.ingestBodyLimit, ready: () => phase === 'live' },
    logger,
    metrics: {
      read: () => [
        { name: 'claudelens_ingest_lines_total', help: 'Transcript lines stored since start', type: 'counter', value: ingest.lines },
        { name: 'claudelens_ingest_lines_per_second', help: 'Lines stored per second since start', type: 'gauge', value: ingest.lines / Math.max(1, (Date.now() - ingest.startedAt) / 1000) },
        { name: 'claudelens_ingest_lag_ms', help: 'Time from a file event to its lines being stored, last read', type: 'gauge', value: ingest.lastLagMs },
        { name: 'claudelens_parse_errors_total', help: 'Parse problems recorded since start', type: 'counter', value: ingest.problems },
        { name: 'claudelens_ws_clients', help: 'Connected WebSocket clients', type: 'gauge', value: counters.connected },
        { name: 'claudelens_ws_events_sent_total', help: 'WebSocket frames sent', type: 'counter', value: counters.sent },
        { name: 'claudelens_ws_events_coalesced_total', help: 'Stat updates merged into a later one', type: 'counter', value: counters.coalesced + engine.coalesced },
        { name: 'claudelens_ws_events_dropped_total', help: 'Queued frames dropped for a resync (slow clients)', type: 'counter', value: counters.dropped },
        { name: 'claudelens_live_sessions', help: 'Sessions not ended', type: 'gauge', value: state.activeSessions().length },
        { name: 'claudelens_alerts_fired_total', help: 'Alerts triggered since start', type: 'counter', value: alerts.fired },
        { name: 'claudelens_webhook_deliveries_total', help: 'Alerts a webhook accepted (2xx)', type: 'counter', value: webhooks.counters.delivered },
        { name: 'claudelens_webhook_retries_total', help: 'Webhook attempts repeated after a failure', type: 'counter', value: webhooks.counters.retried },
        { name: 'claudelens_webhook_failures_total', help: 'Webhook deliveries given up (retries exhausted or refused)', type: 'counter', value: webhooks.counters.failed },
        { name: 'claudelens_webhook_dropped_total', help: 'Alerts dropped because a webhook queue was full', type: 'counter', value: webhooks.counters.dropped },
      ],
    },
  });
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : '';

  const summary = await backfill(ctx, [...config.claudeDirs, ...(await remote.claudeDirs())], { storeSpec });
  logger?.info(summary, 'backfill done');
  state.seed(await ctx.store.sessionTotals(new Date(Date.now() - thresholds.endedAfterMs).toISOString()));
  ctx.onApplied = (applied) => {
    ingest.lines += applied.newEntries.length;
    ingest.problems += applied.problems;
    alerts.onParseErrors(applied.problems);
    engine.onApplied(applied);
  };
  const watcher = watchTranscripts(ctx, config.claudeDirs, {
    poll: settings.poll,
    onError: (error) => logger?.warn({ err: error }, 'watch error'),
    onRead: (lagMs) => (ingest.lastLagMs = lagMs),
  });
  await watcher.rescan();
  engine.start();
  alerts.start();
  phase = 'live';
  logger?.info({ url, claudeDirs: config.claudeDirs }, 'live');

  return {
    app,
    url,
    store: ctx.store,
    engine,
    alerts,
    webhooks,
    watcher,
    async close() {
      engine.stop();
      alerts.stop();
      await webhooks.close();
      await app.close();
      await remoteReads.idle();
      await watcher.close();
      await ctx.store.close();
    },
  };
}
