import type { FastifyInstance } from 'fastify';
import type { AlertQueries } from '../alerts/sharedAcks.js';
import type { AlertFilter } from '../core/alerts/alertLog.js';
import { badRequest, notFound } from './errors.js';

/** GET /api/v1/alerts (?session_id=, ?since=) and POST /api/v1/alerts/{id}/ack; docs/alerts.md. */
export function registerAlertRoutes(app: FastifyInstance, alerts: AlertQueries): void {
  app.get('/api/v1/alerts', async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const filter: AlertFilter = {};
    if (query.session_id !== undefined) {
      if (typeof query.session_id !== 'string' || query.session_id.length === 0 || query.session_id.length > 200) {
        return badRequest(reply, 'session_id', 'session_id must be a session id');
      }
      filter.sessionId = query.session_id;
    }
    if (query.since !== undefined) {
      const afterMs = parseSince(query.since);
      if (afterMs === null) return badRequest(reply, 'since', 'since must be an ISO 8601 time or epoch milliseconds');
      filter.afterMs = afterMs;
    }
    return { alerts: await alerts.list(filter) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/alerts/:id/ack', async (request, reply) => {
    return (await alerts.acknowledge(request.params.id)) ?? notFound(reply, `no alert ${request.params.id}`);
  });
}

function parseSince(raw: unknown): number | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 40) return null;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(ms) ? ms : null;
}
