// The limits service on a real SQLite store and the real one-node bus, with the clock injected.
import { afterEach, describe, expect, it } from 'vitest';
import { LimitsUpdateEventSchema, UsageLimitsSchema } from '@claudelens/protocol';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import type { Store } from '../store/repository.js';
import { tempDir } from '../../test/helpers.js';
import { LocalBus } from './bus.js';
import { channels } from './channels.js';
import { Hub } from './hub.js';
import { LimitsService } from './limitsService.js';

const T0 = Date.UTC(2026, 0, 2, 12, 0, 0);
const RESET = T0 / 1000 + 3 * 3600; // the 5-hour window has 3 h left
const report = (fiveHour: number) => ({ session_id: 's1', session_cost_usd: 0.5, rate_limits: { five_hour: { used_percentage: fiveHour, resets_at: RESET } } });

describe('LimitsService', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  function setup() {
    const store = openSqliteStore(tempDir('claudelens-limits-'));
    stores.push(store);
    const hub = new Hub();
    const published: unknown[] = [];
    hub.subscribe(channels.metrics, { deliver: (event) => published.push(event) });
    const clock = { now: T0 };
    const changes: unknown[] = [];
    const service = new LimitsService(store, new LocalBus(hub), { now: () => clock.now, onChange: (w) => changes.push(w) });
    return { store, service, published, clock, changes };
  }

  it('publishes limits_update only when a window changes, and stores unchanged reports once a minute', async () => {
    const { store, service, published, clock, changes } = setup();
    const first = UsageLimitsSchema.parse(await service.record(report(40)));
    expect(first.five_hour).toMatchObject({ used_percentage: 40, pace: { state: 'behind', elapsed_share: 0.4 } });
    expect(first.seven_day).toBeNull();
    expect(published).toHaveLength(1);
    expect(LimitsUpdateEventSchema.parse(published[0]).data.five_hour?.used_percentage).toBe(40);

    clock.now += 10_000;
    await service.record(report(40));
    expect(published).toHaveLength(1);
    expect(await store.limitObservations(0)).toHaveLength(1);
    clock.now += 60_000;
    await service.record(report(40)); // a minute on: stored as a heartbeat, still no event
    expect(await store.limitObservations(0)).toHaveLength(2);
    expect(published).toHaveLength(1);

    clock.now += 30 * 60_000;
    const grown = await service.record(report(50));
    expect(published).toHaveLength(2);
    expect(changes).toHaveLength(2);
    // 40% -> 50% since the heartbeat half an hour ago (the first report of the last 30 minutes): 20%/h.
    expect(grown.five_hour?.burn_rate_per_hour).toBe(20);
  });

  it('forgets a window once it has reset, and keeps a report without limits for its cost', async () => {
    const { store, service, clock } = setup();
    await service.record(report(70));
    await service.record({ session_id: 's2', session_cost_usd: 2 });
    expect((await store.limitObservations(0)).map((o) => [o.sessionId, o.sessionCost, o.fiveHour?.usedPercentage ?? null])).toEqual([
      ['s1', 0.5, 70],
      ['s2', 2, null],
    ]);
    expect((await service.current()).five_hour?.used_percentage).toBe(70);
    clock.now = RESET * 1000;
    expect((await service.current()).five_hour).toBeNull();
  });
});
