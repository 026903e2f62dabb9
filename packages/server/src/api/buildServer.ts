import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ErrorBody } from '@claudelens/protocol';
import type { DashboardQueries } from '../queries/dashboardQueries.js';
import type { LiveQueries } from '../live/liveQueries.js';
import { registerWsRoutes, type WsOptions } from '../live/wsRoutes.js';
import type { AlertQueries } from '../alerts/sharedAcks.js';
import { registerAlertRoutes } from './alertRoutes.js';
import { refuse, registerAuth, type AuthOptions } from './auth.js';
import { DEFAULT_CONNECTION_LIMITS, registerConnectionLimits, serverTimeouts, type ConnectionLimits } from './connectionLimits.js';
import { registerDashboardRoutes } from './dashboardRoutes.js';
import { registerHealthRoute, type HealthSources } from './healthRoute.js';
import { registerIngestRoute, type IngestRouteDeps } from './ingestRoute.js';
import { registerLimitsRoutes, type LimitsQueries } from './limitsRoutes.js';
import { registerLiveRoutes } from './liveRoutes.js';
import { registerMetricsRoute, type MetricSource } from './metricsRoute.js';
import { registerStaticRoutes } from './staticRoutes.js';
import { registerUsageRoutes, type UsageRouteDeps } from './usageRoutes.js';

export type ServerState = HealthSources;

export interface ServerDeps {
  state: ServerState;
  queries: LiveQueries;
  dashboard: DashboardQueries;
  ws: WsOptions;
  metrics: MetricSource;
  /** Host, token and WebSocket Origin checks (api/auth.ts). */
  auth: AuthOptions;
  /** Timeouts and the connection cap (api/connectionLimits.ts); defaults for what is not given. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** The recent alerts (alerts/alertMonitor.ts); without it, /api/v1/alerts is not served. */
  alerts?: AlertQueries;
  logger?: FastifyBaseLogger;
  /** Largest request body, in bytes. */
  bodyLimit?: number;
  /** POST /api/v1/ingest (remote transcripts from `claudelens ship`); absent: no such route. */
  ingest?: IngestRouteDeps;
  /** Plan limits (live/limitsService.ts); without it, /api/v1/usage/limits is not served. */
  limits?: LimitsQueries;
  /** GET /api/v1/usage (usage history); absent: no such route. */
  usage?: UsageRouteDeps;
  /** The built web app served at `/` (default packages/web/dist); null: not served. */
  webDir?: string | null;
}

/** Compiles no JSON schema: a route that declares one fails at start-up, saying why. */
function noJsonSchemas(): never {
  throw new Error('routes validate with the protocol\'s zod schemas (api/parseQuery.ts), not JSON schemas');
}

/** The HTTP and WebSocket server; routes are thin: parse, call one function, reply. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...deps.connectionLimits };
  const app: FastifyInstance = Fastify({
    ...serverTimeouts(limits),
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? 16 * 1024 * 1024,
    forceCloseConnections: true, // shutdown does not wait for idle keep-alive connections
    // A URL the router cannot decode (`%c0%af`) skips every hook: answer it in our error shape,
    // and close the socket, which for a WebSocket upgrade nobody else would ever close.
    frameworkErrors: (error, request, reply) => refuse(request, reply, error.statusCode ?? 400, { error: { code: 'bad_request', message: error.message } }),
    // Requests are validated by the protocol's zod schemas (parseQuery) and replies are plain
    // JSON: no route declares a JSON schema, and Fastify's default compilers (ajv and
    // fast-json-stringify) took 130-150 ms of every start to load and set up.
    schemaController: { compilersFactory: { buildValidator: noJsonSchemas, buildSerializer: noJsonSchemas } },
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const body: ErrorBody = { error: { code: error.code ?? (status === 500 ? 'internal' : 'bad_request'), message: status === 500 ? 'internal error' : error.message } };
    if (status === 500) app.log.error(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody));
  registerConnectionLimits(app, limits);
  // Every route below needs the token unless it is marked public (api/auth.ts).
  registerAuth(app, deps.auth);
  registerHealthRoute(app, deps.state);
  registerLiveRoutes(app, deps.queries);
  registerDashboardRoutes(app, deps.dashboard);
  if (deps.alerts) registerAlertRoutes(app, deps.alerts);
  if (deps.limits) registerLimitsRoutes(app, deps.limits);
  registerMetricsRoute(app, deps.metrics);
  if (deps.ingest) registerIngestRoute(app, deps.ingest);
  if (deps.usage) registerUsageRoutes(app, deps.usage);
  await registerWsRoutes(app, deps.ws);
  if (deps.webDir !== null) registerStaticRoutes(app, deps.webDir);
  return app;
}
