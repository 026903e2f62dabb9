import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IngestRequestSchema, type ErrorBody, type IngestFileResult, type IngestResponse, type ParsedIngestRequest } from '@claudelens/protocol';
import { badRequest } from './errors.js';

export const DEFAULT_INGEST_BODY_LIMIT = 8 * 1024 * 1024;

export interface IngestRouteDeps {
  mirror: { receive(request: ParsedIngestRequest): Promise<IngestFileResult[]> };
  /** Largest request body in bytes (413 above it). */
  bodyLimit?: number;
  /** False while the server backfills: requests get 503 and the shipper retries. */
  ready(): boolean;
}

/** POST /api/v1/ingest: transcript bytes from `claudelens ship`; see docs/remote-ingest.md. */
export function registerIngestRoute(app: FastifyInstance, deps: IngestRouteDeps): void {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_INGEST_BODY_LIMIT;
  app.post(
    '/api/v1/ingest',
    {
      // The token is checked by api/auth.ts's onRequest hook, before the body is read: a caller
      // without it gets a 401 and cannot make the server parse megabytes.
      bodyLimit,
      errorHandler: (error: FastifyError, request, reply) => bodyError(error, request, reply, bodyLimit),
    },
    async (request, reply) => {
      if (!deps.ready()) return unavailable(reply);
      const parsed = IngestRequestSchema.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const parameter = issue?.path.join('.') || 'body';
        return badRequest(reply, parameter, `${parameter}: ${issue?.message ?? 'invalid'}`);
      }
      const files = await deps.mirror.receive(parsed.data);
      const conflicts = files.filter((f) => f.status !== 'ok');
      const body: IngestResponse = { claude_dir_id: parsed.data.claude_dir_id, files };
      if (conflicts.length === 0) return reply.code(200).send(body);
      const first = conflicts[0] as IngestFileResult;
      body.error = { code: 'offset_conflict', message: `${conflicts.length} file(s) not written, e.g. ${first.project}/${first.file}: ${first.status}, server has ${first.size} bytes` };
      return reply.code(409).send(body);
    },
  );
}

function unavailable(reply: FastifyReply): FastifyReply {
  return reply.code(503).header('retry-after', '2').send({ error: { code: 'unavailable', message: 'the server is still reading its history; retry shortly' } } satisfies ErrorBody);
}

/** Errors raised while the body is read or parsed: too large, not JSON, wrong content type. */
function bodyError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, bodyLimit: number): FastifyReply {
  const status = error.statusCode ?? 500;
  if (status === 413) {
    return reply.code(413).send({ error: { code: 'payload_too_large', message: `request body over ${bodyLimit} bytes: send smaller batches` } } satisfies ErrorBody);
  }
  if (status === 415) return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'send the body as application/json' } } satisfies ErrorBody);
  if (status >= 400 && status < 500) return badRequest(reply, 'body', `body: ${error.message}`);
  request.log.error(error);
  return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } } satisfies ErrorBody);
}
