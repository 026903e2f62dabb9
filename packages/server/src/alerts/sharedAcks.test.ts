// Shared acknowledgements on a fake registry standing in for the Redis bus (test/scaleOut.test.ts
// runs them between two real nodes).
import type { Alert } from '@claudelens/protocol';
import { describe, expect, it } from 'vitest';
import { AlertLog } from '../core/alerts/alertLog.js';
import { sharedAcks } from './sharedAcks.js';

function alert(id: string): Alert {
  return { id, rule: 'session_cost', severity: 'warning', message: id, session_id: null, project: null, value: 2, threshold: 1, triggered_at: new Date(1000).toISOString(), acknowledged: false };
}

/** What every node would see: the acknowledged ids; `up` and `fails` stand for Redis away. */
function fakeRegistry() {
  const registry = {
    acks: new Set<string>(),
    up: true,
    fails: false,
    asked: [] as string[][],
    async acknowledge(alertId: string) {
      if (registry.fails) throw new Error('Connection is closed.');
      registry.acks.add(alertId);
    },
    async acknowledged(alertIds: string[]) {
      registry.asked.push(alertIds);
      if (registry.fails) throw new Error('Connection is closed.');
      return new Set(alertIds.filter((id) => registry.acks.has(id)));
    },
    health: () => ({ kind: 'redis' as const, up: registry.up, buffered: 0, dropped: 0, sent: 0, received: 0 }),
  };
  return registry;
}

function nodeLog(): AlertLog {
  const log = new AlertLog();
  for (const id of ['a', 'b']) log.add(alert(id));
  return log;
}

describe('sharedAcks', () => {
  it("lists as acknowledged what another node acknowledged, and asks only about alerts not yet acknowledged here", async () => {
    const registry = fakeRegistry();
    const errors: Error[] = [];
    const here = sharedAcks(nodeLog(), registry, (error) => errors.push(error));
    const there = sharedAcks(nodeLog(), registry, (error) => errors.push(error));
    expect((await there.acknowledge('a'))?.acknowledged).toBe(true);
    expect(registry.acks).toEqual(new Set(['a']));
    expect((await here.list({})).map((a) => [a.id, a.acknowledged])).toEqual([['b', false], ['a', true]]);
    registry.asked.length = 0;
    await here.list({});
    expect(registry.asked).toEqual([['b']]);
    expect(errors).toEqual([]);
  });

  it('with the bus away keeps an acknowledgement to this node and lists what this node knows, reporting a failed call', async () => {
    const registry = fakeRegistry();
    const errors: Error[] = [];
    const queries = sharedAcks(nodeLog(), registry, (error) => errors.push(error));
    registry.up = false;
    expect((await queries.acknowledge('a'))?.acknowledged).toBe(true);
    expect(registry.acks.size).toBe(0);
    expect((await queries.list({})).map((a) => a.acknowledged)).toEqual([false, true]);
    expect(registry.asked).toEqual([]); // down: not asked at all

    registry.up = true;
    registry.fails = true; // up by its last word, failing now
    expect((await queries.list({})).map((a) => a.acknowledged)).toEqual([false, true]);
    expect(errors.map((e) => e.message)).toEqual(['Connection is closed.']);
  });
});
