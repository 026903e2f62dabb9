import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';

export interface ServerState {
  phase(): 'backfilling' | 'live';
}

/** The HTTP server; routes are thin: parse, call one function, reply. */
export function buildServer(state: ServerState, logger?: FastifyBaseLogger): FastifyInstance {
  const app: FastifyInstance = Fastify({ loggerInstance: logger, disableRequestLogging: true });
  app.get('/healthz', async () => ({ status: 'ok', phase: state.phase() }));
  return app;
}
