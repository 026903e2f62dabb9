import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { BackfillProgress } from '@claudelens/protocol';
import type { AlertMonitor } from '../alerts/alertMonitor.js';
import type { BudgetMonitor } from '../alerts/budgetMonitor.js';
import { sharedAcks } from '../alerts/sharedAcks.js';
import type { WebhookSender } from '../alerts/webhookSender.js';
import { buildServer } from '../api/buildServer.js';
import { hostAllowList, isLoopback } from '../api/auth.js';
import type { ConnectionLimits } from '../api/connectionLimits.js';
import { UsageError, type Config } from '../config/config.js';
import { recentWindowMs, type LiveConfig } from '../config/liveConfig.js';
import { LiveState } from '../core/live/liveState.js';
import { backfill } from '../ingest/backfill.js';
import { fileQueue } from '../ingest/fileQueue.js';
import { REMOTE_COMMIT_SPACING_MS } from '../ingest/groupCommits.js';
import type { IngestContext } from '../ingest/ingestSource.js';
import { RemoteMirror } from '../ingest/remoteMirror.js';
import { defaultNodeId } from '../ingest/sourceLeases.js';
import { DirWatchers } from '../ingest/dirWatchers.js';
import type { TranscriptWatcher } from '../ingest/watcher.js';
import type { EventBus } from '../live/bus.js';
import { alwaysResumable, ringSize } from '../live/channels.js';
import { DashboardQueries } from '../queries/dashboardQueries.js';
import { Hub } from '../live/hub.js';
import { LiveEngine } from '../live/liveEngine.js';
import { LimitsService } from '../live/limitsService.js';
import { LiveQueries } from '../live/liveQueries.js';
import { OutboxSweeper } from '../live/cluster/outboxSweeper.js';
import type { WsOptions } from '../live/wsRoutes.js';
import type { Store } from '../store/repository.js';
import { classifyStoreError, watchStoreFaults } from '../store/storeFaults.js';
import { StoreHealth } from '../store/storeHealth.js';
import { openServices } from './openServices.js';
import { wireAlerts } from './serve/alertWiring.js';
import { leaseDirs, LEASE_TTL_SECONDS } from './serve/dirLeases.js';
import { limitHeapGrowth } from './heapGrowth.js';
import type { EarlyStart } from './serve/earlyStart.js';
import { openBus } from './serve/openBus.js';
import { ServerMetrics } from './serve/serverMetrics.js';
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
  /** What `serve` started before loading this module (serve/earlyStart.ts): taken over here. */
  early?: EarlyStart | null;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** The transcripts the start-up read found: in the claude dirs this node tails, and the shipped copies. */
  transcripts: number;
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

/**
 * The composition of `serve`: store, live state, hub, HTTP and WebSocket, backfill, then watch.
 * It only wires: metrics (serve/serverMetrics.ts), alerts (serve/alertWiring.ts), claude-dir leases
 * (serve/dirLeases.ts), the bus (serve/openBus.ts) and heap tuning (heapGrowth.ts) live beside it.
 */
export async function startServer(config: Config, settings: ServeSettings, logger?: FastifyBaseLogger): Promise<RunningServer> {
  if (!settings.token && !isLoopback(settings.host)) {
    throw new UsageError(`refusing to serve on ${settings.host} without a token: pass --token or set CLAUDELENS_TOKEN`);
  }
  limitHeapGrowth();
  const services = await openServices(config, { onProblem: (message) => logger?.warn(message) });
  const { storeSpec } = services;
  // Every store error and commit goes by the store's health (/healthz): disk full is degraded
  // until a write goes through again, a corrupt database is fatal (store/storeFaults.ts).
  const health = new StoreHealth({ log: logger, onFatal: settings.onFatal });
  const store = watchStoreFaults(services.store, health);
  // A database shared by nodes (PostgreSQL): leases and the live outbox. A single node has none.
  const { cluster: storeCluster } = store;
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
  const { bus, cluster: busCluster } = await openBus(hub, busNode, settings, logger);
  const { alerts, budgets, webhooks } = wireAlerts({ live: settings.live, state, hub, bus, store, logger });
  const engine = new LiveEngine(state, bus, { cluster: busCluster, onEvents: (events) => alerts.onEvents(events) });
  // Other nodes' commits, and this node's, once its live state is seeded from the store: until
  // then the store already holds what they shared (they share after committing), and the seed has it.
  let seeded = false;
  busCluster?.onInput((input) => {
    if (seeded) engine.onRemote(input);
  });
  const sweeper = storeCluster && busCluster
    ? new OutboxSweeper(storeCluster, busCluster, {
        ...(settings.outbox ?? { everyMs: 5000, afterMs: 5000 }),
        publish: (input) => engine.onCommitted(input),
        onError: (error) => logger?.warn({ err: error }, 'outbox sweep failed'),
      })
    : null;
  const metrics = new ServerMetrics({ state, engine, bus, sweeper, alerts, webhooks });
  const ctx: IngestContext = {
    ...services.ctx,
    store,
    onApplied: (applied) => {
      if (!seeded) return;
      metrics.onApplied(applied);
      alerts.onParseErrors(applied.problems);
      engine.onApplied(applied);
    },
  };
  const queries = new LiveQueries(state, store, { claudeDirs: config.claudeDirs });
  const limits = new LimitsService(store, bus, { onChange: (windows) => budgets.onLimits(windows) });
  let phase: 'backfilling' | 'live' = 'backfilling';
  let progress: BackfillProgress | undefined;
  // Shipped transcripts: mirrored under <data-dir>/remote, each copy read through this queue.
  const commitSpacingMs = storeSpec.kind === 'postgres' ? REMOTE_COMMIT_SPACING_MS : 0;
  const remoteReads = fileQueue(ctx, warn('remote ingest error'), { commitSpacingMs });
  const remote = new RemoteMirror(path.join(config.dataDir, 'remote'), (file) => remoteReads.read(file));

  const app = await buildServer({
    state: { phase: () => phase, progress: () => progress, bus: () => bus.health(), store: () => health.state() },
    queries,
    dashboard: new DashboardQueries(state, store),
    limits,
    alerts: busCluster ? sharedAcks(alerts.log, busCluster, (error) => logger?.warn({ err: error }, 'alert acknowledgements: bus unreachable')) : alerts.log,
    ws: { hub, bus, engine, queries, counters: metrics.sockets, ...settings.ws },
    auth: { token: settings.token ?? null, allowedOrigins: settings.allowedOrigins, allowedHosts: hostAllowList(settings.token ?? null, settings.allowedHosts) },
    connectionLimits: settings.connectionLimits,
    ingest: { mirror: remote, bodyLimit: settings.ingestBodyLimit, ready: () => phase === 'live' },
    usage: { store, now: Date.now },
    logger,
    metrics,
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

  // Watching starts before the start-up read, its reads held until the live state is seeded:
  // what changes during the read is caught without a second pass over every file.
  let releaseReads = () => {};
  const readsHeld = new Promise<void>((resolve) => (releaseReads = resolve));
  const watcher = new DirWatchers(ctx, {
    holdReadsUntil: readsHeld,
    poll: settings.poll,
    onError: warn('watch error'),
    onRead: (lagMs) => metrics.onRead(lagMs),
    onCommit: (ms) => metrics.onCommit(ms),
    // A new watcher per lease held on PostgreSQL; on SQLite an import beside serve is the other writer (WatchOptions).
    rememberOffsets: true,
    commitSpacingMs,
    heldTrees: settings.early?.heldTrees,
  });
  // One node on its own database tails every claude dir; on a shared one, those whose lease it holds.
  const ttlSeconds = settings.leaseTtlSeconds ?? LEASE_TTL_SECONDS;
  const leases = storeCluster ? leaseDirs(storeCluster, { nodeId, claudeDirs: config.claudeDirs, ttlSeconds, isLive: () => phase === 'live', watcher, sweeper, logger }) : null;
  const owned = leases ? await leases.start((error) => logger?.warn({ err: error }, 'lease renewal failed')).catch(failStart) : config.claudeDirs;

  // The live state from the store: sessions not ended yet, and the last hour's rates. Seeded as
  // soon as the recent files are in (read first), while older history fills in; the sessions
  // once more at the end (a session's old 2.0.x agent files may come later). Any failure before
  // live is fatal (failStart).
  const seedSessions = async () => state.seed(await store.sessionTotals(new Date(Date.now() - thresholds.endedAfterMs).toISOString()));
  await watcher.add(owned, false).catch(failStart);
  const summary = await backfill(ctx, [...owned, ...(await remote.claudeDirs().catch(failStart))], {
    storeSpec,
    onProgress: ({ filesDone, filesTotal, bytesDone, bytesTotal }) => (progress = { filesDone, filesTotal, bytesDone, bytesTotal }),
    recentSinceMs: Date.now() - recentWindowMs(settings.live),
    plan: settings.early?.plan,
    onRecent: async () => {
      await seedSessions();
      state.seedRates(await store.activitySince(new Date(Date.now() - 3600_000).toISOString()));
    },
  }).catch(async (error: unknown) => {
    releaseReads();
    await watcher.close();
    return failStart(error);
  });
  logger?.info(summary, 'backfill done');
  await seedSessions().catch(failStart);
  seeded = true;
  // Nodes on a bus keep each commit's live input in the store until it is published (OutboxSweeper).
  if (busCluster) storeCluster?.keepOutbox(busNode);
  releaseReads();
  // Leases that changed hands during the start-up read (a dir gained is read with a rescan).
  const tailed = leases ? leases.owned() : owned;
  await watcher.remove(owned.filter((dir) => !tailed.includes(dir))).catch(failStart);
  await watcher.add(tailed).catch(failStart);
  await watcher.idle().catch(failStart);
  engine.start();
  sweeper?.start();
  alerts.start();
  budgets.start();
  phase = 'live';
  logger?.info({ url, claudeDirs: config.claudeDirs, tailing: watcher.dirs(), nodeId, bus: bus.health().kind }, 'live');

  return {
    app,
    url,
    transcripts: summary.files,
    store,
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
      metrics.close();
      alerts.stop();
      budgets.stop();
      await webhooks.close();
      await app.close();
      remoteReads.close();
      await remoteReads.idle();
      await watcher.close();
      await leases?.stop();
      await bus.close();
      await store.close();
    },
  };
}
