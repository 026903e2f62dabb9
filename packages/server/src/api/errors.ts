import type { FastifyReply } from 'fastify';
import type { ErrorBody } from '@claudelens/protocol';

export function badRequest(reply: FastifyReply, parameter: string, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: 'bad_request', message, parameter } } satisfies ErrorBody);
}

export function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).send({ error: { code: 'not_found', message } } satisfies ErrorBody);
}
