import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Hub } from '../live/hub.js';
import { ringSize } from '../live/channels.js';
import { buildServer } from './buildServer.js';

// The server compiles no JSON schema (its routes validate with zod): Fastify's default compilers
// are not loaded at all, and a route that declares a schema fails at start-up instead of being
// validated by a second, unintended mechanism.
const unused = new Proxy({}, {
  get: (_target, name) => () => {
    throw new Error(`not expected here (${String(name)})`);
  },
});

describe('buildServer', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  const build = async () =>
    (app = await buildServer({
      state: { phase: () => 'live' },
      queries: unused as never,
      dashboard: unused as never,
      ws: { hub: new Hub(ringSize), engine: unused as never, queries: unused as never, counters: { connected: 0, sent: 0, coalesced: 0, dropped: 0 } },
      metrics: { read: () => [] },
      auth: { token: null },
      webDir: null,
    }));

  it('serves its routes without a JSON-schema compiler', async () => {
    const server = await build();
    const reply = await server.inject('/healthz');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ status: 'ok', phase: 'live' });
  });

  it('refuses, at start-up, a route that declares a JSON schema', async () => {
    const server = await build();
    server.get('/with-schema', { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } } } }, () => ({}));
    await expect(server.ready()).rejects.toThrow(/zod schemas/);
  });
});
