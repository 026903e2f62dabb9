import type { FastifyInstance } from 'fastify';
import { AlertQuerySchema, type Alert } from '@claudelens/protocol';
import type { AlertFilter } from '../core/alerts/alertLog.js';
import { notFound } from './errors.js';
import { parseQuery } from './parseQuery.js';

export interface AlertQueries {
  /** Newest first. */
  list(filter: AlertFilter): Alert[] | Promise<Alert[]>;
  /** The acknowledged alert, or undefined when no such alert is kept. */
  acknowledge(id: string): Alert | undefined | Promise<Alert | undefined>;
}

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
