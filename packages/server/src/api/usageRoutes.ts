import type { FastifyInstance } from 'fastify';
import { UsageQuerySchema } from '@claudelens/protocol';
import { summariseUsage, windowOf } from '../core/usageSummary.js';
import type { ReportReads } from '../store/readModel.js';
import { parseQuery } from './parseQuery.js';

export interface UsageRouteDeps {
  store: Pick<ReportReads, 'usageRequests'>;
  now: () => number;
}

/** GET /api/v1/usage: history grouped by day, week, month or block (docs/usage.md). /usage/limits is another route's. */
export function registerUsageRoutes(app: FastifyInstance, deps: UsageRouteDeps): void {
  app.get('/api/v1/usage', async (request, reply) => {
    const query = parseQuery(UsageQuerySchema, request.query, reply);
    if (query === null) return reply;
    const [from, to] = [query.from ?? null, query.to ?? null];
    // Blocks depend on the requests before them: read the whole history up to the range's end.
    const window = windowOf(query.group === 'block' ? null : from, to, query.tz);
    const records = await deps.store.usageRequests({ ...window, project: query.project, model: query.model });
    return summariseUsage(records, { group: query.group, timeZone: query.tz, from, to, now: deps.now(), top: query.top });
  });
}
