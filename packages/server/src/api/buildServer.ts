import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ErrorBody } from '@claudelens/protocol';
import type { LiveQueries } from '../live/liveQueries.js';
import { registerWsRoutes, type WsOptions } from '../live/wsRoutes.js';
import { registerAuth, type AuthOptions } from './auth.js';
import { registerLiveRoutes } from './liveRoutes.js';
import { registerMetricsRoute, type MetricSource } from './metricsRoute.js';

export interface ServerState {
  phase(): 'backfilling' | 'live';
}

export interface ServerDeps {
  state: ServerState;
  queries: LiveQueries;
  ws: WsOptions;
  metrics: MetricSource;
  /** Token and WebSocket Origin checks (api/auth.ts). */
  auth: AuthOptions;
  logger?: FastifyBaseLogger;
  /** Largest request body, in bytes. */
  bodyLimit?: number;
}

/** The HTTP and WebSocket server; routes are thin: parse, call one function, reply. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger, disableRequestLogging: true, bodyLimit: deps.bodyLimit ?? 16 * 1024 * 1024 });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const body: ErrorBody = { error: { code: error.code ?? (status === 500 ? 'internal' : 'bad_request'), message: status === 500 ? 'internal error' : error.message } };
    if (status === 500) app.log.error(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody));
  registerAuth(app, deps.auth);
  app.get('/healthz', async () => ({ status: 'ok', phase: deps.state.phase() }));
  registerLiveRoutes(app, deps.queries);
  registerMetricsRoute(app, deps.metrics);
  await registerWsRoutes(app, deps.ws);
  return app;
}
