import type { Alert } from '@claudelens/protocol';
import { describe, expect, it } from 'vitest';
import { AlertLog } from './alertLog.js';

function alert(id: string, atMs: number, sessionId: string | null = null): Alert {
  return {
    id,
    rule: 'session_cost',
    severity: 'warning',
    message: id,
    session_id: sessionId,
    project: null,
    value: 2,
    threshold: 1,
    triggered_at: new Date(atMs).toISOString(),
    acknowledged: false,
  };
}

describe('AlertLog', () => {
  it('lists newest first, by session and after a time', () => {
    const log = new AlertLog();
    log.add(alert('a', 1000, 's1'));
    log.add(alert('b', 2000, null));
    log.add(alert('c', 3000, 's1'));
    expect(log.list().map((a) => a.id)).toEqual(['c', 'b', 'a']);
    expect(log.list({ sessionId: 's1' }).map((a) => a.id)).toEqual(['c', 'a']);
    expect(log.list({ afterMs: 2000 }).map((a) => a.id)).toEqual(['c']);
  });

  it('acknowledges a kept alert and keeps its place', () => {
    const log = new AlertLog();
    log.add(alert('a', 1000));
    log.add(alert('b', 2000));
    expect(log.acknowledge('a')).toMatchObject({ id: 'a', acknowledged: true });
    expect(log.list().map((a) => [a.id, a.acknowledged])).toEqual([
      ['b', false],
      ['a', true],
    ]);
    expect(log.acknowledge('nope')).toBeUndefined();
  });

  it('keeps the last `capacity` alerts', () => {
    const log = new AlertLog(2);
    for (const [i, id] of ['a', 'b', 'c'].entries()) log.add(alert(id, i));
    expect(log.list().map((a) => a.id)).toEqual(['c', 'b']);
    expect(log.acknowledge('a')).toBeUndefined();
  });
});
