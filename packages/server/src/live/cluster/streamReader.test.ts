// The stream reader without Redis: a fake source serves the batches a test queues (XREAD's
// replies as Buffers), holds a read open while none is queued, and fails where a test says.
import { describe, expect, it } from 'vitest';
import { inputToJson, type LiveInput } from '../../core/live/liveInput.js';
import { Hub, type ChannelEvent } from '../hub.js';
import { SentEvents } from './sentEvents.js';
import { READ_COUNT, StreamReader, type BufferEntry, type StreamSource } from './streamReader.js';

/** A stream entry's fields as XREAD gives them (one-letter names, as redisStream.ts writes them). */
function entry(id: string, fields: Record<string, string>): BufferEntry {
  return [Buffer.from(id), Object.entries(fields).flatMap(([name, value]) => [Buffer.from(name), Buffer.from(value)])];
}
const eventEntry = (id: string, channel: string, seq: number, data: object, origin = 'node-b', extra: Record<string, string> = {}) =>
  entry(id, { k: 'e', c: channel, s: String(seq), o: origin, r: '0', ...extra, d: JSON.stringify(data) });
const inputEntry = (id: string, origin: string, cost: number) =>
  entry(id, { k: 'i', o: origin, d: inputToJson({ lines: [], costByLine: new Map([[`l${cost}`, cost]]), usageDeltas: new Map(), sessions: [] }) });

/** Batches served in turn; with none queued a read stays open until `push` or `disconnect`. */
function fakeSource(newest: [string, string[]][] = []) {
  const batches: (BufferEntry[] | Error)[] = [];
  const reads: string[] = [];
  let waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let newestFails = 0;
  const source: StreamSource = {
    async newest() {
      if (newestFails > 0) {
        newestFails--;
        throw new Error('connect ECONNREFUSED');
      }
      return newest;
    },
    async after(id) {
      reads.push(id);
      if (batches.length === 0) await new Promise<void>((resolve, reject) => (waiting = { resolve, reject }));
      const next = batches.shift() as BufferEntry[] | Error;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return {
    source,
    reads,
    push(batch: BufferEntry[] | Error) {
      batches.push(batch);
      waiting?.resolve();
      waiting = null;
    },
    /** What sub.disconnect() does to a blocked XREAD. */
    disconnect() {
      waiting?.reject(new Error('Connection is closed.'));
      waiting = null;
    },
    failNewest(times: number) {
      newestFails = times;
    },
  };
}

function reader(source: StreamSource, overrides: { sent?: SentEvents; hub?: Hub } = {}) {
  const hub = overrides.hub ?? new Hub();
  const inputs: LiveInput[] = [];
  const errors: string[] = [];
  const pauses: number[] = [];
  let caughtUp = 0;
  const streamReader = new StreamReader({
    source,
    hub,
    nodeId: 'node-a',
    sent: overrides.sent ?? new SentEvents(),
    warmEntries: 100,
    onCaughtUp: () => caughtUp++,
    onError: (error) => errors.push(error.message),
    pause: async (ms) => {
      pauses.push(ms);
    },
  });
  streamReader.onInput((input) => inputs.push(input));
  return { streamReader, hub, inputs, errors, pauses, caughtUp: () => caughtUp };
}

function listen(hub: Hub, channel: string): ChannelEvent[] {
  const seen: ChannelEvent[] = [];
  hub.subscribe(channel, { deliver: (event) => seen.push(event) });
  return seen;
}

/** As RedisBus.close: stop, then disconnect what the read in flight waits on. */
async function stop(streamReader: StreamReader, fake: { disconnect(): void }): Promise<void> {
  const stopped = streamReader.stop();
  fake.disconnect();
  await stopped;
}

/** Resolves once the reader has asked for its `count`th read: everything before it was handled. */
async function readsReach(reads: string[], count: number): Promise<void> {
  while (reads.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('StreamReader', () => {
  it('warms the rings from the newest entries, oldest first, and reads on after the newest', async () => {
    const fake = fakeSource([
      ['7-0', ['k', 'e', 'c', 'activity', 's', '2', 'o', 'node-b', 'd', '{"type":"new_message","n":2}']],
      ['6-0', ['k', 'i', 'o', 'node-b', 'd', '{}']],
      ['5-0', ['k', 'e', 'c', 'activity', 's', '1', 'o', 'node-b', 'd', '{"type":"new_message","n":1}']],
    ]);
    const { streamReader, hub, inputs } = reader(fake.source, { hub: new Hub(() => 10, (channel) => channel === 'activity') });
    await streamReader.warm();
    expect(hub.subscribe('activity', { deliver: () => {} }, 0).replay).toEqual([
      { type: 'new_message', n: 1, seq: 1 },
      { type: 'new_message', n: 2, seq: 2 },
    ]);
    expect(inputs).toEqual([]); // the live state comes from the store, not from old inputs
    streamReader.start();
    await readsReach(fake.reads, 1);
    expect(fake.reads).toEqual(['7-0']);
    await stop(streamReader, fake);
  });

  it("delivers each entry in stream order: events under Redis's seq, other nodes' inputs to onInput, its own inputs skipped", async () => {
    const fake = fakeSource();
    const { streamReader, hub, inputs } = reader(fake.source);
    const activity = listen(hub, 'activity');
    await streamReader.warm();
    streamReader.start();
    fake.push([
      eventEntry('1-0', 'activity', 1, { type: 'new_message', n: 1 }),
      inputEntry('2-0', 'node-b', 1),
      inputEntry('3-0', 'node-a', 2),
      eventEntry('4-0', 'activity', 2, { type: 'new_message', n: 2 }),
      eventEntry('5-0', 'session:unwatched', 7, { type: 'new_message', n: 3 }),
    ]);
    fake.push([eventEntry('6-0', 'activity', 3, { type: 'new_message', n: 4 })]);
    await readsReach(fake.reads, 3);
    expect(activity).toEqual([
      { type: 'new_message', n: 1, seq: 1 },
      { type: 'new_message', n: 2, seq: 2 },
      { type: 'new_message', n: 4, seq: 3 },
    ]);
    expect(inputs.map((input) => [...input.costByLine])).toEqual([[['l1', 1]]]);
    // Nobody here wants the channel: only its seq moves.
    expect(hub.seqOf('session:unwatched')).toBe(7);
    expect(streamReader.received).toBe(6);
    await stop(streamReader, fake);
  });

  it('knows its own events by their numbers, and moves past its own replays without delivering them again', async () => {
    const fake = fakeSource();
    const sent = new SentEvents();
    const { streamReader, hub } = reader(fake.source, { sent });
    const activity = listen(hub, 'activity');
    hub.publish('activity', { type: 'new_message', n: 1 }); // in an outage: its clients had it at once
    const n = sent.push('activity', '{"type":"new_message","n":2}', { type: 'new_message', n: 2, mine: true });
    await streamReader.warm();
    streamReader.start();
    fake.push([
      eventEntry('1-0', 'activity', 4, { type: 'new_message', n: 1 }, 'node-a', { r: '1' }),
      eventEntry('2-0', 'activity', 5, { type: 'ignored: known by its number' }, 'node-a', { n: String(n) }),
    ]);
    await readsReach(fake.reads, 2);
    expect(activity).toEqual([
      { type: 'new_message', n: 1, seq: 1 },
      { type: 'new_message', n: 2, mine: true, seq: 5 },
    ]);
    await stop(streamReader, fake);
  });

  it('resumes from the last entry it read after a failed read, pausing first, and reports the error', async () => {
    const fake = fakeSource();
    const { streamReader, hub, errors, pauses } = reader(fake.source);
    const activity = listen(hub, 'activity');
    await streamReader.warm();
    streamReader.start();
    fake.push([eventEntry('1-0', 'activity', 1, { type: 'a' }), eventEntry('2-0', 'activity', 2, { type: 'b' })]);
    fake.push(new Error('Command timed out'));
    fake.push([eventEntry('3-0', 'activity', 3, { type: 'c' })]);
    await readsReach(fake.reads, 4);
    expect(fake.reads).toEqual(['0-0', '2-0', '2-0', '3-0']);
    expect(errors).toEqual(['Command timed out']);
    expect(pauses).toEqual([250]);
    expect(activity.map((e) => e.type)).toEqual(['a', 'b', 'c']);
    await stop(streamReader, fake);
  });

  it('unreachable at start, warms before its first read once Redis answers', async () => {
    const fake = fakeSource([['9-0', ['k', 'e', 'c', 'activity', 's', '1', 'o', 'node-b', 'd', '{"type":"a"}']]]);
    fake.failNewest(2);
    const { streamReader, errors, pauses } = reader(fake.source);
    await expect(streamReader.warm()).rejects.toThrow('ECONNREFUSED'); // RedisBus.start reports it and starts reading
    streamReader.start();
    await readsReach(fake.reads, 1);
    expect(errors).toEqual(['connect ECONNREFUSED']);
    expect(pauses).toEqual([250]);
    expect(fake.reads).toEqual(['9-0']);
    await stop(streamReader, fake);
  });

  it('says it caught up after each read short of a full batch, not after a full one', async () => {
    const fake = fakeSource();
    const { streamReader, caughtUp } = reader(fake.source);
    await streamReader.warm();
    streamReader.start();
    fake.push(Array.from({ length: READ_COUNT }, (_, i) => eventEntry(`${i + 1}-0`, 'activity', i + 1, { type: 'a' })));
    await readsReach(fake.reads, 2);
    expect(caughtUp()).toBe(0);
    fake.push([]); // XREAD BLOCK timed out: nothing new
    await readsReach(fake.reads, 3);
    expect(caughtUp()).toBe(1);
    await stop(streamReader, fake);
  });

  it('stops once the read in flight ends, reporting no error for it', async () => {
    const fake = fakeSource();
    const { streamReader, errors } = reader(fake.source);
    await streamReader.warm();
    streamReader.start();
    await readsReach(fake.reads, 1);
    await stop(streamReader, fake);
    expect(errors).toEqual([]);
    expect(fake.reads).toHaveLength(1);
  });
});
