import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConversationQuerySchema, SessionQuerySchema } from '@claudelens/protocol';
import { decodeMessageCursor, decodeSessionCursor, type DashboardQueries } from '../queries/dashboardQueries.js';
import { notFound } from './errors.js';
import { parseQuery } from './parseQuery.js';

const notACursor = 'is not a cursor this endpoint gave';

// The protocol's query schemas, with the opaque cursor decoded (a 400 naming `cursor` when it is not one).
const SessionListQuerySchema = SessionQuerySchema.transform(({ cursor, ...query }, ctx) => {
  if (cursor === undefined) return query;
  const after = decodeSessionCursor(cursor);
  if (after) return { ...query, after };
  ctx.addIssue({ code: 'custom', path: ['cursor'], message: notACursor });
  return z.NEVER;
});

const ConversationListQuerySchema = ConversationQuerySchema.transform(({ cursor, ...query }, ctx) => {
  if (cursor === undefined) return query;
  const after = decodeMessageCursor(cursor);
  if (after) return { ...query, after };
  ctx.addIssue({ code: 'custom', path: ['cursor'], message: notACursor });
  return z.NEVER;
});

/** The dashboard's history: projects, sessions (with live status) and conversations, paged by cursor. */
export function registerDashboardRoutes(app: FastifyInstance, dashboard: DashboardQueries): void {
  app.get('/api/v1/projects', async () => dashboard.projects());

  app.get('/api/v1/sessions', async (request, reply) => {
    const query = parseQuery(SessionListQuerySchema, request.query, reply);
    if (query === null) return reply;
    return dashboard.sessions(query);
  });

  app.get<{ Params: { id: string } }>('/api/v1/sessions/:id', async (request, reply) => {
    const { id } = request.params;
    return (await dashboard.session(id)) ?? notFound(reply, `no session ${id}`);
  });

  app.get<{ Params: { id: string } }>('/api/v1/sessions/:id/messages', async (request, reply) => {
    const query = parseQuery(ConversationListQuerySchema, request.query, reply);
    if (query === null) return reply;
    const { id } = request.params;
    return (await dashboard.messages(id, query)) ?? notFound(reply, `no session ${id}`);
  });

  // One message's whole transcript line, streamed: what a page cut (`full_url`).
  app.get<{ Params: { id: string; uuid: string } }>('/api/v1/sessions/:id/messages/:uuid/full', async (request, reply) => {
    const { id, uuid } = request.params;
    const line = await dashboard.fullMessage(id, uuid);
    if (!line) return notFound(reply, `no message ${uuid} in session ${id}`);
    return reply.type('application/json; charset=utf-8').header('content-length', line.bytes).send(line.stream);
  });
}
