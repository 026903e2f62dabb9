// The Redis bus on the real Redis of this machine (`.ci/run` starts it): what one node publishes
// reaches the other node's hub in order under the same seqs, and a commit's worth goes out in one call.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveInput } from '../src/core/live/liveInput.js';
import { Hub, type ChannelEvent } from '../src/live/hub.js';
import { RedisBus } from '../src/live/cluster/redisBus.js';
import { serialize } from '../src/live/socketFeed.js';
import { waitFor } from './helpers.js';
import { tcpProxy } from './tcpProxy.js';

/** Not scaleOut's database (it empties its own before each test); each test uses keys of its own. */
const REDIS_URL = process.env.CLAUDELENS_TEST_REDIS_URL_BUS ?? 'redis://127.0.0.1:6379/12';

const open: RedisBus[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((bus) => bus.close()));
});

async function node(nodeId: string, keyPrefix: string): Promise<{ bus: RedisBus; hub: Hub; inputs: LiveInput[]; errors: Error[] }> {
  const hub = new Hub();
  const errors: Error[] = [];
  const bus = new RedisBus({ url: REDIS_URL, nodeId, hub, keyPrefix, onError: (error) => errors.push(error) });
  const inputs: LiveInput[] = [];
  bus.onInput((input) => inputs.push(input));
  open.push(bus);
  await bus.start();
  if (!bus.health().up) throw new Error(`Redis is not reachable at ${REDIS_URL} (${errors[0]?.message}); start it (redis-server --daemonize yes)`);
  return { bus, hub, inputs, errors };
}

/** Nodes A and B on keys of their own. */
type TestNode = Awaited<ReturnType<typeof node>>;
async function twoNodes(): Promise<[TestNode, TestNode]> {
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  return [await node('node-a', prefix), await node('node-b', prefix)];
}

function listen(hub: Hub, channel: string): ChannelEvent[] {
  const seen: ChannelEvent[] = [];
  hub.subscribe(channel, { deliver: (event) => seen.push(event) });
  return seen;
}

describe('RedisBus', () => {
  it("a commit's input and hundreds of events go out in one call and reach the other node in order, seqs counted per channel; events nobody watches are not parsed", async () => {
    const [a, b] = await twoNodes();
    const activityOnB = listen(b.hub, 'activity');
    const sessionOnB = listen(b.hub, 'session:s1');
    const activityOnA = listen(a.hub, 'activity');

    const sent = vi.spyOn(Redis.prototype, 'sendCommand');
    const parsed = vi.spyOn(JSON, 'parse');
    const input: LiveInput = { lines: [], costByLine: new Map([['l1', 0.5]]), usageDeltas: new Map(), sessions: [] };
    a.bus.share(input);
    for (let i = 1; i <= 300; i++) {
      a.bus.publish('activity', { type: 'new_message', n: i });
      if (i % 3 === 0) a.bus.publish('session:s1', { type: 'new_message', n: i });
      if (i % 2 === 0) a.bus.publish('session:s2', { type: 'new_message', unwatched: i });
    }
    await waitFor(() => (activityOnB.length === 300 && sessionOnB.length === 100 ? true : undefined), 10_000, 'every event on node B');

    // session:s2 has no subscriber on either node: the hubs count its seqs and nobody parses its events.
    expect(b.hub.seqOf('session:s2')).toBe(150);
    expect(parsed.mock.calls.filter(([text]) => String(text).includes('unwatched'))).toEqual([]);
    // Two script calls for all 551 items (at most 500 a call). ioredis sends a script's first call
    // on a connection as EVAL, later ones as EVALSHA.
    const scriptCalls = () => sent.mock.calls.map(([command]) => (command as { name: string }).name).filter((name) => name === 'evalsha' || name === 'eval');
    expect(scriptCalls()).toHaveLength(2);
    expect(activityOnB.map((e) => [e.seq, e.n])).toEqual(Array.from({ length: 300 }, (_, i) => [i + 1, i + 1]));
    expect(sessionOnB.map((e) => [e.seq, e.n])).toEqual(Array.from({ length: 100 }, (_, i) => [i + 1, (i + 1) * 3]));
    // The publishing node gets its own events through Redis too, under the same seqs.
    await waitFor(() => (activityOnA.length === 300 ? true : undefined), 10_000, 'every event back on node A');
    expect(activityOnA.map((e) => e.seq)).toEqual(activityOnB.map((e) => e.seq));
    // A client's frame is the event's JSON, seq included, on the node that parsed it and on the one that sent it.
    for (const event of [...activityOnA, ...activityOnB, ...sessionOnB]) expect(serialize(event)).toBe(JSON.stringify(event));
    expect(JSON.parse(serialize(activityOnA[6] as ChannelEvent))).toEqual({ type: 'new_message', n: 7, seq: 7 });
    // The input reached the other node only, once, before the events.
    expect(b.inputs.map((i) => [...i.costByLine])).toEqual([[['l1', 0.5]]]);
    expect(a.inputs).toEqual([]);
    expect(a.bus.health()).toMatchObject({ up: true, sent: 551, buffered: 0, dropped: 0 });
    expect(a.hub.seqOf('session:s2')).toBe(150);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('a claimed event published after others in the same turn comes after them, and before those published after it, all in one call', async () => {
    const [a, b] = await twoNodes();
    const onB = listen(b.hub, 'activity');
    const onA = listen(a.hub, 'activity');
    const sent = vi.spyOn(Redis.prototype, 'sendCommand');
    const parsed = vi.spyOn(JSON, 'parse');
    a.bus.publish('activity', { type: 'new_message', n: 1 });
    a.bus.publish('activity', { type: 'new_message', n: 2 });
    const claimed = a.bus.publishOnce('status:s1', 1000, 'activity', { type: 'status_change', n: 3 });
    a.bus.publish('activity', { type: 'new_message', n: 4 });
    expect(await claimed).toBe(true);
    const scriptCalls = sent.mock.calls.map(([command]) => (command as { name: string }).name).filter((name) => name === 'evalsha' || name === 'eval');
    expect(scriptCalls).toHaveLength(1);
    expect(await b.bus.publishOnce('status:s1', 1000, 'activity', { type: 'status_change', n: 3 })).toBe(false);
    await waitFor(() => (onB.length === 4 && onA.length === 4 ? true : undefined), 10_000, 'four events on each node');
    const expected = [
      { type: 'new_message', n: 1, seq: 1 },
      { type: 'new_message', n: 2, seq: 2 },
      { type: 'status_change', n: 3, seq: 3 },
      { type: 'new_message', n: 4, seq: 4 },
    ];
    expect(onB).toEqual(expected);
    // On the publishing node each, the claimed one too, is known by its number when read back:
    // only node B parses them (the test runs both nodes in one process).
    expect(onA).toEqual(expected);
    expect(onA.map((e) => serialize(e))).toEqual(expected.map((e) => JSON.stringify(e)));
    expect(parsed.mock.calls.filter(([text]) => /new_message|status_change/.test(String(text)))).toHaveLength(4);
  });

  it('each claim of one call is answered for itself: taken elsewhere, free, the same key twice', async () => {
    const [a, b] = await twoNodes();
    const onB = listen(b.hub, 'activity');
    expect(await b.bus.publishOnce('ended:s1', 1000, 'activity', { type: 'session_ended', s: 1 })).toBe(true);
    const answers = Promise.all([
      a.bus.publishOnce('ended:s1', 1000, 'activity', { type: 'session_ended', s: 1 }),
      a.bus.publishOnce('ended:s2', 1000, 'activity', { type: 'session_ended', s: 2 }),
      a.bus.publishOnce('ended:s2', 1000, 'activity', { type: 'session_ended', s: 2 }),
      a.bus.publishOnce('ended:s3', 1000, 'activity', { type: 'session_ended', s: 3 }),
    ]);
    a.bus.publish('activity', { type: 'new_message', n: 5 });
    expect(await answers).toEqual([false, true, false, true]);
    await waitFor(() => (onB.length === 4 ? true : undefined), 10_000, 'four events on node B');
    expect(onB).toEqual([
      { type: 'session_ended', s: 1, seq: 1 },
      { type: 'session_ended', s: 2, seq: 2 },
      { type: 'session_ended', s: 3, seq: 3 },
      { type: 'new_message', n: 5, seq: 4 },
    ]);
  });

  it("a commit another node took over from the outbox goes out from neither node's own call; the node's next commit does, whole, across two calls", async () => {
    const [a, b] = await twoNodes();
    const onB = listen(b.hub, 'activity');
    const onA = listen(a.hub, 'activity');
    const parsed = vi.spyOn(JSON, 'parse');
    // B publishes A's commits 1 and 2 from the outbox (as OutboxSweeper does): A had published none.
    expect(await b.bus.takeOver('node-a', 2)).toBe(0);
    const claims: Promise<boolean>[] = [];
    for (const commit of [1, 2, 3]) {
      a.bus.commit(commit, () => {
        a.bus.share({ lines: [], costByLine: new Map([[`l${commit}`, commit]]), usageDeltas: new Map(), sessions: [] });
        // Commit 3 has 600 events: the bus sends them in two calls, and the second checks the mark again.
        for (let i = 0; i < (commit === 3 ? 600 : 1); i++) a.bus.publish('activity', { type: 'new_message', commit, i });
        claims.push(a.bus.publishOnce(`started:${commit}`, 1000, 'activity', { type: 'session_started', commit }));
      });
    }
    expect(await Promise.all(claims)).toEqual([false, false, true]);
    await waitFor(() => (onB.length === 601 ? true : undefined), 10_000, "commit 3's events on node B");
    expect(new Set(onB.map((e) => e.commit))).toEqual(new Set([3]));
    expect(onB.map((e) => e.seq)).toEqual(Array.from({ length: 601 }, (_, i) => i + 1));
    expect(b.inputs.map((i) => [...i.costByLine])).toEqual([[['l3', 3]]]);
    // The mark is at 3 now: nothing is left to take over, and a later sweeper's take finds it there.
    expect(await a.bus.published(['node-a', 'node-c'])).toEqual(new Map([['node-a', 3], ['node-c', 0]]));
    expect(await b.bus.takeOver('node-a', 3)).toBe(3);
    // Taken over, a commit cut across two calls sends nothing from either; the next one goes out.
    expect(await b.bus.takeOver('node-a', 4)).toBe(3);
    a.bus.commit(4, () => {
      for (let i = 0; i < 600; i++) a.bus.publish('activity', { type: 'new_message', commit: 4, i });
    });
    a.bus.commit(5, () => a.bus.publish('activity', { type: 'new_message', commit: 5 }));
    await waitFor(() => (onB.length === 602 ? true : undefined), 10_000, "commit 5's event on node B");
    expect(onB.at(-1)).toEqual({ type: 'new_message', commit: 5, seq: 602 });
    expect(await a.bus.published(['node-a'])).toEqual(new Map([['node-a', 5]]));
    // A's own events read back are known by their numbers, past those of the commits that never
    // went out: none is parsed on A (only B's 602 are), and A's clients get the same frames.
    await waitFor(() => (onA.length === 602 ? true : undefined), 10_000, 'every event back on node A');
    expect(onA).toEqual(onB);
    expect(onA.map((e) => serialize(e))).toEqual(onB.map((e) => JSON.stringify(e)));
    expect(parsed.mock.calls.filter(([text]) => String(text).includes('"commit"'))).toHaveLength(602);
  });

  it('a commit buffered in an outage and taken over meanwhile is not sent when the node replays its buffer; the next one is', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const proxy = await tcpProxy(6379);
    try {
      const hubA = new Hub();
      const a = new RedisBus({ url: REDIS_URL.replace(':6379', `:${proxy.port}`), nodeId: 'node-a', hub: hubA, keyPrefix: prefix, onError: () => {} });
      open.push(a);
      await a.start();
      const b = await node('node-b', prefix);
      const onB = listen(b.hub, 'activity');
      const onA = listen(hubA, 'activity');
      proxy.cut();
      await waitFor(() => (a.health().up ? undefined : true), 10_000, 'node A to see Redis gone');
      a.commit(1, () => a.publish('activity', { type: 'new_message', commit: 1 }));
      a.commit(2, () => a.publish('activity', { type: 'new_message', commit: 2 }));
      // A's own clients had both at once; each waits in the buffer between its gate and its mark.
      expect(onA.map((e) => e.commit)).toEqual([1, 2]);
      expect(a.health().buffered).toBe(6);
      // Meanwhile B publishes commit 1 from the outbox.
      expect(await b.bus.takeOver('node-a', 1)).toBe(0);
      proxy.restore();
      await waitFor(() => (a.health().up && a.health().buffered === 0 ? true : undefined), 15_000, 'node A to replay its buffer');
      // The stream keeps the buffer's order: commit 2 there and commit 1 not before it means commit 1 was not sent.
      await waitFor(() => (onB.length > 0 ? true : undefined), 10_000, 'the replayed commit on node B');
      expect(onB.map((e) => e.commit)).toEqual([2]);
      expect(await b.bus.published(['node-a'])).toEqual(new Map([['node-a', 2]]));
    } finally {
      await proxy.close();
    }
  });

  it('a node puts its mark back when it reconnects, so that a Redis restarted empty does not make its published commits look unpublished', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const proxy = await tcpProxy(6379);
    const raw = new Redis(REDIS_URL);
    try {
      const a = new RedisBus({ url: REDIS_URL.replace(':6379', `:${proxy.port}`), nodeId: 'node-a', hub: new Hub(), keyPrefix: prefix, onError: () => {} });
      open.push(a);
      await a.start();
      const b = await node('node-b', prefix);
      const onB = listen(b.hub, 'activity');
      for (const commit of [1, 2]) a.commit(commit, () => a.publish('activity', { type: 'new_message', commit }));
      await waitFor(() => (onB.length === 2 ? true : undefined), 10_000, 'both commits on node B');
      expect(await b.bus.published(['node-a'])).toEqual(new Map([['node-a', 2]]));
      // Redis loses the mark (restarted with nothing on disk); node A is away meanwhile.
      await raw.del(`${prefix}{bus}:published:node-a`);
      proxy.cut();
      await waitFor(() => (a.health().up ? undefined : true), 10_000, 'node A to see Redis gone');
      proxy.restore();
      await waitFor(() => (a.health().up ? true : undefined), 15_000, 'node A back');
      expect(await b.bus.published(['node-a'])).toEqual(new Map([['node-a', 2]]));
    } finally {
      raw.disconnect();
      await proxy.close();
    }
  });

  it('reports an outage as down and up again, and its own close as neither (serve logged "redis bus down" at every stop)', async () => {
    const proxy = await tcpProxy(6379);
    try {
      const states: boolean[] = [];
      const bus = new RedisBus({ url: REDIS_URL.replace(':6379', `:${proxy.port}`), nodeId: 'node-a', hub: new Hub(), keyPrefix: `test-${randomBytes(6).toString('hex')}:`, onError: () => {}, onStateChange: (up) => states.push(up) });
      await bus.start();
      await waitFor(() => (bus.health().up ? true : undefined), 10_000, 'the bus up');
      proxy.cut();
      await waitFor(() => (bus.health().up ? undefined : true), 10_000, 'the outage seen');
      proxy.restore();
      await waitFor(() => (bus.health().up ? true : undefined), 15_000, 'the bus back');
      // close() resolves once the connection's own 'close' has been emitted: a report of it would be in.
      await bus.close();
      expect(states).toEqual([true, false, true]);
    } finally {
      await proxy.close();
    }
  });

  it("a resume's history reads back to the first event the client missed, not to the last one it had, in pages that grow", async () => {
    const [a, b] = await twoNodes();
    const onA = listen(a.hub, 'activity');
    // A quiet session's channel: its event 1 (the client's last), 5000 entries of other traffic,
    // event 2, 600 more, event 3. Nobody subscribes to it on B: a resume there reads Redis.
    a.bus.publish('session:q', { type: 'new_message', n: 1 });
    for (let i = 0; i < 5000; i++) a.bus.publish('activity', { type: 'new_message', i });
    a.bus.publish('session:q', { type: 'new_message', n: 2 });
    for (let i = 0; i < 600; i++) a.bus.publish('activity', { type: 'new_message', i });
    a.bus.publish('session:q', { type: 'new_message', n: 3 });
    await waitFor(() => (onA.length === 5600 && b.hub.seqOf('session:q') === 3 ? true : undefined), 10_000, 'every event back');

    const pages = vi.spyOn(Redis.prototype, 'xrevrange');
    // Events 2 and 3 lie within the newest 250 + 500 entries: two pages, none of the 5000 before.
    expect(await b.bus.history('session:q', 1, 3)).toEqual([
      { type: 'new_message', n: 2, seq: 2 },
      { type: 'new_message', n: 3, seq: 3 },
    ]);
    expect(pages.mock.calls.map((call) => call.at(-1))).toEqual([250, 500]);
    // Only up to the seq the subscription started at; nothing missed is no read at all.
    pages.mockClear();
    expect(await b.bus.history('session:q', 2, 3)).toEqual([{ type: 'new_message', n: 3, seq: 3 }]);
    expect(await b.bus.history('session:q', 1, 2)).toEqual([{ type: 'new_message', n: 2, seq: 2 }]);
    expect(await b.bus.history('session:q', 3, 3)).toEqual([]);
    expect(pages.mock.calls.map((call) => call.at(-1))).toEqual([250, 250, 500]);
    // From the channel's start the whole stream is read, page by page, up to the oldest entry.
    expect((await b.bus.history('session:q', 0, 3))?.map((e) => e.n)).toEqual([1, 2, 3]);
  });
});
