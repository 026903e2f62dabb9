import type { FastifyInstance } from 'fastify';
import type { LiveQueries } from '../live/liveQueries.js';
import { SessionLiveQuerySchema, SummaryQuerySchema } from '@claudelens/protocol';
import { notFound } from './errors.js';
import { parseQuery } from './parseQuery.js';

/** Spec 000 and 001 REST endpoints: the live state of a session, and of everything. */
export function registerLiveRoutes(app: FastifyInstance, queries: LiveQueries): void {
  app.get('/api/v1/analytics/session/live', async (request, reply) => {
    const query = parseQuery(SessionLiveQuerySchema, request.query, reply);
    if (query === null) return reply;
    const sessionId = query.session_id;
    return (await queries.sessionLive(sessionId)) ?? notFound(reply, `no session ${sessionId}`);
  });

  app.get('/api/v1/analytics/stats/live', async (request, reply) => {
    const query = parseQuery(SessionLiveQuerySchema, request.query, reply);
    if (query === null) return reply;
    const sessionId = query.session_id;
    return (await queries.statsLive(sessionId)) ?? notFound(reply, `no session ${sessionId}`);
  });

  app.get('/api/v1/analytics/live-activity', async () => queries.liveActivity());

  app.get('/api/v1/analytics/active-sessions', async () => queries.activeSessions());

  app.get('/api/v1/analytics/series', async () => queries.series());

  app.get('/api/v1/analytics/summary', async (request, reply) => {
    const query = parseQuery(SummaryQuerySchema, request.query, reply);
    if (query === null) return reply;
    return queries.summary(query.tz);
  });
}
