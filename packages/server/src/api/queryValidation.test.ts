import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@claudelens/protocol';
import { registerAlertRoutes } from './alertRoutes.js';
import { registerDashboardRoutes } from './dashboardRoutes.js';
import { registerLiveRoutes } from './liveRoutes.js';
import { registerUsageRoutes } from './usageRoutes.js';

// Every route that takes query parameters validates them with a zod schema through parseQuery:
// a bad query gets a 400 with the same error body on each, and never reaches the service below
// (the services here throw when called).
const unreachable = new Proxy({}, {
  get: (_target, name) => () => {
    throw new Error(`a bad query reached the service (${String(name)})`);
  },
});

const badQueries: [url: string, parameter: string][] = [
  ['/api/v1/analytics/session/live', 'session_id'],
  ['/api/v1/analytics/session/live?session_id=', 'session_id'],
  ['/api/v1/analytics/stats/live', 'session_id'],
  ['/api/v1/analytics/stats/live?session_id=a&session_id=b', 'session_id'],
  ['/api/v1/analytics/summary?tz=Mars%2FOlympus', 'tz'],
  ['/api/v1/alerts?session_id=', 'session_id'],
  ['/api/v1/alerts?since=yesterday', 'since'],
  ['/api/v1/sessions?limit=abc', 'limit'],
  ['/api/v1/sessions?status=sleeping', 'status'],
  ['/api/v1/sessions?cursor=not-one', 'cursor'],
  ['/api/v1/sessions/s1/messages?limit=0', 'limit'],
  ['/api/v1/usage?group=year', 'group'],
  ['/api/v1/usage?from=2026-13-40', 'from'],
  ['/api/v1/usage?top=abc', 'top'],
];

describe('query validation', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    registerLiveRoutes(app, unreachable as never);
    registerAlertRoutes(app, unreachable as never);
    registerDashboardRoutes(app, unreachable as never);
    registerUsageRoutes(app, { store: unreachable as never, now: () => 0 });
    await app.ready();
  });
  afterAll(() => app.close());

  it.each(badQueries)('%s: 400 naming %s', async (url, parameter) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(400);
    const body = ErrorBodySchema.parse(response.json());
    expect(body.error).toMatchObject({ code: 'bad_request', parameter });
    expect(body.error.message).toMatch(new RegExp(`^query parameter ${parameter}: `));
  });
});
