import type { FastifyInstance } from 'fastify';
import type { BackfillProgress, Health } from '@claudelens/protocol';
import type { BusHealth } from '../live/bus.js';
import type { StoreState } from '../store/storeHealth.js';

export interface HealthSources {
  phase(): 'backfilling' | 'live';
  /** While backfilling: how far the start-up read is. */
  progress?(): BackfillProgress | undefined;
  /** The event bus: a node that lost Redis is degraded, not down (it serves REST and its own events). */
  bus?(): BusHealth;
  /** The store: degraded while its writes fail for now (disk full), failed when it cannot be trusted. */
  store?(): StoreState;
}

/** GET /healthz: 503 once the server failed (it then exits), so that a supervisor restarts it. */
export function registerHealthRoute(app: FastifyInstance, sources: HealthSources): void {
  app.get('/healthz', { config: { public: true } }, async (_request, reply) => {
    const [code, body] = health(sources);
    return reply.code(code).send(body);
  });
}

function health(sources: HealthSources): [number, Health] {
  const bus = sources.bus?.();
  const store = sources.store?.() ?? { status: 'ok' as const };
  const phase = sources.phase();
  const progress = phase === 'backfilling' ? sources.progress?.() : undefined;
  const body: Health = { status: 'ok', phase, ...(progress ? { progress } : {}), ...(bus ? { bus } : {}) };
  if (store.status !== 'ok') {
    body.status = store.status;
    body.reason = store.reason;
    body.store = store;
  } else if (bus && !bus.up) {
    body.status = 'degraded';
    body.reason = 'the event bus (Redis) is unreachable';
  }
  return [body.status === 'failed' ? 503 : 200, body];
}
