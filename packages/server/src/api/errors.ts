import type { FastifyReply } from 'fastify';
import type { ErrorBody } from '@claudelens/protocol';

export function badRequest(reply: FastifyReply, parameter: string, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: 'bad_request', message, parameter } } satisfies ErrorBody);
}

export function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).send({ error: { code: 'not_found', message } } satisfies ErrorBody);
}

/** A required, non-empty string query parameter, or a 400 naming it. */
export function requireParam(query: unknown, name: string, reply: FastifyReply): string | null {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
  badRequest(reply, name, `query parameter ${name} is required`);
  return null;
}
