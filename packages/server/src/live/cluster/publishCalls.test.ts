import { describe, expect, it } from 'vitest';
import { callsOf, PUBLISH_MANY_ITEMS, settleCall, type Outgoing } from './publishCalls.js';

const event = (n: number, claimed?: (sent: boolean) => void): Outgoing => ({
  item: { kind: 'event', channel: 'activity', json: `{"n":${n}}`, ...(claimed ? { claim: { key: `k${n}`, ttlMs: 1000 } } : {}) },
  claimed,
});

describe('publishCalls', () => {
  it("gives each claimed event its own answer, a commit's gate taking one in between, and returns the commit marked", () => {
    const answers: [number, boolean][] = [];
    const claim = (n: number) => (sent: boolean) => answers.push([n, sent]);
    const call: Outgoing[] = [
      event(1, claim(1)),
      { item: { kind: 'gate', commit: 4 } },
      event(2),
      event(3, claim(3)),
      { item: { kind: 'mark', commit: 4 } },
      event(5, claim(5)),
    ];
    // PUBLISH_MANY's answers: claim 1 lost, commit 4 sent, claim 3 sent, claim 5 lost.
    expect(settleCall(call, [0, 1, 1, 0])).toBe(4);
    expect(answers).toEqual([[1, false], [3, true], [5, false]]);
    expect(settleCall([event(6)], [])).toBe(0);
  });

  it('opens a commit cut across two calls again in the second', () => {
    const queued: Outgoing[] = [{ item: { kind: 'gate', commit: 1 } }, ...Array.from({ length: PUBLISH_MANY_ITEMS }, (_, i) => event(i)), { item: { kind: 'mark', commit: 1 } }];
    const calls = callsOf(queued);
    expect(calls.map((call) => call.length)).toEqual([PUBLISH_MANY_ITEMS, 3]);
    expect(calls[1]?.map((o) => o.item.kind)).toEqual(['gate', 'event', 'mark']);
  });
});
