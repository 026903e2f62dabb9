import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { badRequest } from './errors.js';

/** The query string parsed by `schema`, or null after a 400 naming the first bad parameter. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown, reply: FastifyReply): T | null {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const parameter = typeof issue?.path[0] === 'string' ? issue.path[0] : 'query';
  badRequest(reply, parameter, `query parameter ${parameter}: ${issue?.message ?? 'is not valid'}`);
  return null;
}
