import { describe, expect, it } from 'vitest';
import { decimal, rawEntry } from './redisStream.js';
import { SentEvents } from './sentEvents.js';

const event = (n: number) => ({ type: 'new_message', n });

describe('SentEvents', () => {
  it('numbers events in the order sent and gives each back once, under its number and channel', () => {
    const sent = new SentEvents();
    const first = sent.push('activity', '{"n":1}', event(1));
    const second = sent.push('session:s1', '{"n":2}', event(2));
    expect(second).toBe(first + 1);
    expect(sent.take(first, 'activity')).toEqual({ n: first, channel: 'activity', json: '{"n":1}', event: event(1) });
    expect(sent.take(first, 'activity')).toBeNull(); // read back twice (a resent publish): parsed the second time
    expect(sent.take(second, 'activity')).toBeNull(); // its number on another channel: not this event
  });

  it('passes over numbers that never came back (a commit taken over, a claim lost) and still knows the later ones', () => {
    const sent = new SentEvents();
    const numbers = [1, 2, 3, 4].map((n) => sent.push('activity', `{"n":${n}}`, event(n)));
    expect(sent.take(numbers[2] as number, 'activity')?.event).toEqual(event(3));
    expect(sent.take(numbers[1] as number, 'activity')).toBeNull(); // older than one read back: gone
    expect(sent.take(numbers[3] as number, 'activity')?.event).toEqual(event(4));
  });

  it('after clear, the numbers sent before are not known, and numbering goes on (never reused)', () => {
    const sent = new SentEvents();
    const before = sent.push('activity', '{}', event(1));
    sent.clear();
    const after = sent.push('activity', '{}', event(2));
    expect(after).toBeGreaterThan(before);
    expect(sent.take(before, 'activity')).toBeNull();
    expect(sent.take(after, 'activity')?.event).toEqual(event(2));
  });

  it('stays short however many go by: read back, the oldest are cut off in pieces', () => {
    const sent = new SentEvents();
    for (let i = 0; i < 20_000; i++) {
      const n = sent.push('activity', '{}', event(i));
      sent.push('activity', '{}', event(-i)); // never read back: passed over at the next take
      expect(sent.take(n, 'activity')?.event).toEqual(event(i));
    }
    expect((sent as unknown as { events: unknown[] }).events.length).toBeLessThan(10_000);
  });

  it('stays short when what comes back is never its own (every take passes over all it holds)', () => {
    const sent = new SentEvents();
    for (let i = 0; i < 20_000; i++) {
      sent.push('activity', '{}', event(i));
      expect(sent.take(Number.MAX_SAFE_INTEGER, 'activity')).toBeNull();
    }
    expect((sent as unknown as { events: unknown[] }).events.length).toBe(0);
  });
});

describe('stream entries read as Buffers', () => {
  const fields = (...pairs: string[]) => pairs.map((text) => Buffer.from(text));

  it("keeps an event's fields as Buffers, its kind and replay flag read", () => {
    const entry = rawEntry(fields('k', 'e', 'c', 'session:é', 's', '42', 'o', 'node-a@1', 'r', '0', 'n', '7', 'd', '{"a":"é"}'));
    expect(entry.kind).toBe('e');
    expect(entry.replay).toBe(false);
    expect(entry.channel?.toString()).toBe('session:é');
    expect(decimal(entry.seq)).toBe(42);
    expect(decimal(entry.n)).toBe(7);
    expect(entry.origin?.equals(Buffer.from('node-a@1'))).toBe(true);
    expect(entry.data?.toString()).toBe('{"a":"é"}');
  });

  it('reads a replay without a number, and an input, and ignores fields it does not know', () => {
    const replay = rawEntry(fields('k', 'e', 'c', 'activity', 's', '3', 'o', 'x', 'r', '1', 'd', '{}', 'zz', 'ignored'));
    expect(replay).toMatchObject({ kind: 'e', replay: true });
    expect(replay.n).toBeUndefined();
    const input = rawEntry(fields('k', 'i', 'o', 'x', 'd', '{"lines":[]}'));
    expect(input.kind).toBe('i');
    expect(input.data?.toString()).toBe('{"lines":[]}');
  });

  it('decimal reads ASCII digits only', () => {
    expect(decimal(Buffer.from('0'))).toBe(0);
    expect(decimal(Buffer.from('900719925474099'))).toBe(900719925474099);
    for (const bad of ['', '-1', '1.5', '12a', ' 1', '1234567890123456']) expect(decimal(Buffer.from(bad))).toBeNaN();
    expect(decimal(undefined)).toBeNaN();
  });
});
