import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, SummarySchema } from '@claudelens/protocol';
import { buildServer } from '../src/api/buildServer.js';
import { LiveState } from '../src/core/live/liveState.js';
import { DEFAULT_THRESHOLDS } from '../src/core/live/sessionStatus.js';
import { backfill } from '../src/ingest/backfill.js';
import { LocalBus } from '../src/live/bus.js';
import { ringSize } from '../src/live/channels.js';
import { DashboardQueries } from '../src/queries/dashboardQueries.js';
import { Hub } from '../src/live/hub.js';
import { LiveEngine } from '../src/live/liveEngine.js';
import { LiveQueries } from '../src/live/liveQueries.js';
import type { Store } from '../src/store/repository.js';
import { copyFixtureHome, openContext } from './helpers.js';

// GET /api/v1/analytics/summary on the fixture corpus: today and this week in the reader's zone,
// the store's sums over the requests started since then. The clock stands on the evening of
// Saturday 2026-04-18 (UTC), the day of the corpus's session with six subagents.

const NOW = Date.parse('2026-04-18T22:30:00.000Z');
let app: FastifyInstance;
let store: Store;
let close: () => Promise<void>;

/** The store's per-second activity, summed from `sinceIso`: another query over the same rows. */
async function storedSince(sinceIso: string) {
  const seconds = await store.activitySince(sinceIso);
  return { cost: seconds.reduce((n, s) => n + s.cost, 0), tokens: seconds.reduce((n, s) => n + s.tokens, 0) };
}

async function summary(query: string) {
  const response = await app.inject({ url: `/api/v1/analytics/summary${query}` });
  return { status: response.statusCode, body: response.json() as unknown };
}

beforeAll(async () => {
  const home = copyFixtureHome();
  const ctx = openContext();
  await backfill(ctx, [home], { workers: 0 });
  store = ctx.store;
  const state = new LiveState(DEFAULT_THRESHOLDS, () => NOW);
  const hub = new Hub(ringSize);
  const engine = new LiveEngine(state, new LocalBus(hub), { now: () => NOW });
  const queries = new LiveQueries(state, ctx.store, { claudeDirs: [home], now: () => NOW });
  app = await buildServer({
    state: { phase: () => 'live' },
    queries,
    dashboard: new DashboardQueries(state, ctx.store),
    ws: { hub, engine, queries, counters: { connected: 0, sent: 0, coalesced: 0, dropped: 0 } },
    metrics: { read: () => [] },
    auth: { token: null },
  });
  close = async () => {
    await app.close();
    await ctx.store.close();
  };
});

afterAll(() => close?.());

describe('GET /api/v1/analytics/summary', () => {
  it("sums today's and this week's requests in the reader's zone, and says where it looked and when the last activity was", async () => {
    const { status, body } = await summary('?tz=UTC');
    expect(status).toBe(200);
    const s = SummarySchema.parse(body);
    expect(s.today.since).toBe('2026-04-18T00:00:00.000Z');
    expect(s.this_week.since).toBe('2026-04-13T00:00:00.000Z');
    const today = await storedSince(s.today.since);
    expect(s.today.tokens).toBe(today.tokens);
    expect(s.today.cost).toBeCloseTo(today.cost, 9);
    expect(s.today.cost).toBeGreaterThan(5); // the session of ef958aa1 alone cost $5.45 that day
    expect(s.this_week.cost).toBeGreaterThanOrEqual(s.today.cost);
    expect(s.today.sessions).toBeGreaterThan(0);
    expect(s.claude_dirs).toHaveLength(1);
    expect(s.last_activity).not.toBeNull();
  });

  it("moves the day with the zone: in Shanghai (UTC+8) it is already Sunday, and Saturday's session was yesterday", async () => {
    const s = SummarySchema.parse((await summary('?tz=Asia/Shanghai')).body);
    expect(s.today.since).toBe('2026-04-18T16:00:00.000Z');
    expect(s.today.cost).toBeCloseTo((await storedSince(s.today.since)).cost, 9);
    expect(s.today.cost).toBeLessThan(SummarySchema.parse((await summary('?tz=UTC')).body).today.cost - 5);
  });

  it('refuses a zone it does not know, naming the parameter', async () => {
    const { status, body } = await summary('?tz=Mars/Olympus');
    expect(status).toBe(400);
    expect(ErrorBodySchema.parse(body).error.parameter).toBe('tz');
  });
});
