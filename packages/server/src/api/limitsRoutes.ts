import type { FastifyInstance } from 'fastify';
import { LimitsObservationSchema, type LimitsObservation, type UsageLimits } from '@claudelens/protocol';
import { badRequest } from './errors.js';

export interface LimitsQueries {
  record(observation: LimitsObservation): Promise<UsageLimits>;
  current(): Promise<UsageLimits>;
}

/** GET and POST /api/v1/usage/limits: plan limits as status lines report them (docs/limits.md). */
export function registerLimitsRoutes(app: FastifyInstance, limits: LimitsQueries): void {
  app.get('/api/v1/usage/limits', async () => limits.current());

  app.post('/api/v1/usage/limits', async (request, reply) => {
    const parsed = LimitsObservationSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return badRequest(reply, issue?.path.join('.') || 'body', issue?.message ?? 'not a limits observation');
    }
    return limits.record(parsed.data);
  });
}
