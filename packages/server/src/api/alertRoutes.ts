import type { FastifyInstance } from 'fastify';
import { AlertQuerySchema } from '@claudelens/protocol';
import type { AlertQueries } from '../alerts/sharedAcks.js';
import type { AlertFilter } from '../core/alerts/alertLog.js';
import { notFound } from './errors.js';
import { parseQuery } from './parseQuery.js';

/** GET /api/v1/alerts (?session_id=, ?since=) and POST /api/v1/alerts/{id}/ack; docs/alerts.md. */
export function registerAlertRoutes(app: FastifyInstance, alerts: AlertQueries): void {
  app.get('/api/v1/alerts', async (request, reply) => {
    const query = parseQuery(AlertQuerySchema, request.query, reply);
    if (query === null) return reply;
    const filter: AlertFilter = {};
    if (query.session_id !== undefined) filter.sessionId = query.session_id;
    if (query.since !== undefined) filter.afterMs = query.since;
    return { alerts: await alerts.list(filter) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/alerts/:id/ack', async (request, reply) => {
    return (await alerts.acknowledge(request.params.id)) ?? notFound(reply, `no alert ${request.params.id}`);
  });
}
