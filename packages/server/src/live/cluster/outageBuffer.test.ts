// The outage buffer without Redis: a fake target records what a replay sends, and fails or
// reports a taken-over mark where a test asks it to.
import { describe, expect, it } from 'vitest';
import { OutageBuffer, type Replayed, type ReplayTarget } from './outageBuffer.js';
import type { Pending } from './publishCalls.js';

const event = (n: number): Pending => ({ kind: 'event', channel: 'activity', json: `{"n":${n}}` });
const input = (n: number): Pending => ({ kind: 'input', json: `{"input":${n}}` });

/** Records each call in order; `mark` is the bus's mark for this node, `failOn` a send that rejects once. */
function fakeTarget(options: { mark?: number; failOn?: string; onSend?: (item: Replayed) => void } = {}) {
  const calls: string[] = [];
  let failOn = options.failOn;
  const target: ReplayTarget = {
    mark: async () => {
      calls.push('mark?');
      return options.mark ?? 0;
    },
    commitDone: async (commit, sent) => {
      calls.push(`done ${commit} ${sent ? 'sent' : 'skipped'}`);
    },
    send: async (item) => {
      if (item.json === failOn) {
        failOn = undefined;
        throw new Error('Connection is closed.');
      }
      calls.push(item.json);
      options.onSend?.(item);
    },
  };
  return { calls, target };
}

describe('OutageBuffer', () => {
  it('keeps what waits in order, and past its limit drops the oldest, counting each', async () => {
    const buffer = new OutageBuffer(3);
    for (const n of [1, 2, 3]) buffer.push(event(n));
    expect([buffer.size, buffer.dropped]).toEqual([3, 0]);
    buffer.push(input(4));
    buffer.push(event(5));
    expect([buffer.size, buffer.dropped]).toEqual([3, 2]);
    const { calls, target } = fakeTarget();
    await buffer.replay(target);
    expect(calls).toEqual(['{"n":3}', '{"input":4}', '{"n":5}']);
    expect([buffer.size, buffer.dropped]).toEqual([0, 2]);
  });

  it('replays in the order pushed, items pushed during the replay included, and is empty after', async () => {
    const buffer = new OutageBuffer(100);
    buffer.push(input(1));
    buffer.push(event(2));
    const { calls, target } = fakeTarget({ onSend: (item) => item.json === '{"n":2}' && buffer.push(event(3)) });
    await buffer.replay(target);
    expect(calls).toEqual(['{"input":1}', '{"n":2}', '{"n":3}']);
    expect(buffer.size).toBe(0);
  });

  it('skips a commit another node took over meanwhile, whole, and sends the next one and moves the mark for it', async () => {
    const buffer = new OutageBuffer(100);
    for (const commit of [1, 2]) {
      buffer.push({ kind: 'gate', commit });
      buffer.push(input(commit));
      buffer.push(event(commit));
      buffer.push({ kind: 'mark', commit });
    }
    buffer.push(event(3)); // outside any commit (a status change by the clock)
    const { calls, target } = fakeTarget({ mark: 1 });
    await buffer.replay(target);
    expect(calls).toEqual(['mark?', 'done 1 skipped', 'mark?', '{"input":2}', '{"n":2}', 'done 2 sent', '{"n":3}']);
  });

  it('stops at a failure, the failed item first next time; a commit found taken over stays skipped across the retry', async () => {
    const buffer = new OutageBuffer(100);
    buffer.push(event(1));
    buffer.push(event(2));
    buffer.push(event(3));
    const failing = fakeTarget({ failOn: '{"n":2}' });
    await expect(buffer.replay(failing.target)).rejects.toThrow('Connection is closed.');
    expect(failing.calls).toEqual(['{"n":1}']);
    expect(buffer.size).toBe(2);
    const again = fakeTarget();
    await buffer.replay(again.target);
    expect(again.calls).toEqual(['{"n":2}', '{"n":3}']);

    // A commit taken over, and the replay failing after its gate: the next replay sends nothing of it.
    buffer.push({ kind: 'gate', commit: 5 });
    buffer.push(event(5));
    buffer.push({ kind: 'mark', commit: 5 });
    const failingMark = fakeTarget({ mark: 5 });
    failingMark.target.commitDone = async () => {
      throw new Error('Connection is closed.');
    };
    await expect(buffer.replay(failingMark.target)).rejects.toThrow();
    expect(failingMark.calls).toEqual(['mark?']);
    const resumed = fakeTarget({ mark: 0 });
    await buffer.replay(resumed.target);
    expect(resumed.calls).toEqual(['done 5 skipped']);
  });

  it('an item dropped past the limit while it was being replayed costs no other item', async () => {
    const buffer = new OutageBuffer(2);
    buffer.push(event(1));
    buffer.push(event(2));
    // Full while event 1 is in flight: the push drops event 1, which is going out anyway.
    const { calls, target } = fakeTarget({ onSend: (item) => item.json === '{"n":1}' && buffer.push(event(3)) });
    await buffer.replay(target);
    expect(calls).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect([buffer.size, buffer.dropped]).toEqual([0, 0]);
  });
});
