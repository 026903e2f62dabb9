import { describe, expect, it } from 'vitest';
import { Hub, type ChannelEvent } from './hub.js';

const collect = () => {
  const got: ChannelEvent[] = [];
  return { got, deliver: (e: ChannelEvent) => got.push(e) };
};

describe('Hub', () => {
  it('numbers events per channel and delivers them in order', () => {
    const hub = new Hub();
    const a = collect();
    const b = collect();
    hub.subscribe('a', a);
    hub.subscribe('b', b);
    hub.publish('a', { type: 'x' });
    hub.publish('a', { type: 'y' });
    hub.publish('b', { type: 'z' });
    expect(a.got.map((e) => [e.type, e.seq])).toEqual([['x', 1], ['y', 2]]);
    expect(b.got.map((e) => e.seq)).toEqual([1]);
  });

  it('replays what a returning client missed, and asks for a resync when the ring no longer has it', () => {
    const hub = new Hub(() => 3);
    hub.subscribe('c', collect()).unsubscribe(); // a client was here, and left
    for (let i = 0; i < 5; i++) hub.publish('c', { type: 'e', i });
    expect(hub.subscribe('c', collect(), 3).replay?.map((e) => e.seq)).toEqual([4, 5]);
    expect(hub.subscribe('c', collect(), 5).replay).toEqual([]);
    expect(hub.subscribe('c', collect(), 1).replay).toBeNull(); // 2 fell out of the ring
    expect(hub.subscribe('c', collect(), 9).replay).toBeNull(); // ahead of us: the server restarted
  });

  it('keeps no events on a channel nobody has subscribed to: a resume there resyncs', () => {
    const hub = new Hub(() => 3);
    for (let i = 0; i < 2; i++) hub.publish('c', { type: 'e', i });
    expect(hub.subscribe('c', collect(), 1).replay).toBeNull();
    hub.publish('c', { type: 'e' });
    expect(hub.subscribe('c', collect(), 2).replay?.map((e) => e.seq)).toEqual([3]);
  });

  it('stops delivering after unsubscribe and drops idle channels', () => {
    const hub = new Hub();
    const a = collect();
    const sub = hub.subscribe('a', a);
    sub.unsubscribe();
    hub.publish('a', { type: 'x' });
    expect(a.got).toEqual([]);
    hub.drop('a');
    expect(hub.seqOf('a')).toBe(0);
  });

  it('takes events stamped elsewhere: repeats ignored, a gap clears the ring and resyncs subscribers, a jump does not', () => {
    const hub = new Hub(() => 10, () => true);
    const got: (number | string)[] = [];
    hub.subscribe('c', { deliver: (e) => got.push(e.seq), resync: () => got.push('resync') });
    hub.accept('c', { type: 'e', seq: 7 }); // first seen on this node: no gap
    hub.accept('c', { type: 'e', seq: 7 });
    hub.accept('c', { type: 'e', seq: 8 });
    hub.accept('c', { type: 'e', seq: 11 }); // 9 and 10 were lost
    expect(got).toEqual([7, 8, 'resync', 11]);
    expect(hub.subscribe('c', collect(), 8).replay).toBeNull(); // the ring cannot bridge the gap
    hub.accept('c', { type: 'e', seq: 20 }, true); // renumbered after an outage: nothing lost
    hub.advance('c', 25); // this node's own, already delivered under other seqs
    hub.accept('c', { type: 'e', seq: 26 });
    expect(got).toEqual([7, 8, 'resync', 11, 20, 26]);
    expect(hub.seqOf('c')).toBe(26);
  });
});
