import { describe, expect, it } from 'vitest';
import { gatherCalls } from './gatherCalls.js';

describe('gatherCalls', () => {
  it('runs the calls of one turn as one, each caller getting its own part of the answer in order', async () => {
    const runs: number[][] = [];
    const double = gatherCalls(async (items: number[]) => {
      runs.push([...items]);
      return items.map((n) => n * 2);
    });
    const answers = await Promise.all([double([1, 2]), double([3]), double([]), double([4, 5, 6])]);
    expect(answers).toEqual([[2, 4], [6], [], [8, 10, 12]]);
    expect(runs).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('runs calls of a later turn on their own', async () => {
    const runs: string[][] = [];
    const echo = gatherCalls(async (items: string[]) => (runs.push([...items]), items));
    await echo(['a']);
    await Promise.all([echo(['b']), echo(['c'])]);
    expect(runs).toEqual([['a'], ['b', 'c']]);
  });

  it('runs one at a time: calls made while a run is under way wait, then run together', async () => {
    const runs: string[][] = [];
    let finish: () => void = () => {};
    let inFlight = 0;
    let most = 0;
    const slow = gatherCalls(async (items: string[]) => {
      runs.push([...items]);
      inFlight++;
      most = Math.max(most, inFlight);
      if (runs.length === 1) await new Promise<void>((resolve) => (finish = resolve));
      inFlight--;
      return items;
    });
    const first = slow(['a']);
    await new Promise((resolve) => setImmediate(resolve)); // the first run is under way
    const later = [slow(['b']), slow(['c'])];
    // A run starts in the check phase after its calls (setImmediate): two such turns would have started b and c's.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([['a']]);
    finish();
    expect(await Promise.all([first, ...later])).toEqual([['a'], ['b'], ['c']]);
    expect(runs).toEqual([['a'], ['b', 'c']]);
    expect(most).toBe(1);
  });

  it('fails every call of the turn when the run fails, and the next turn runs afresh', async () => {
    let fail = true;
    const lookup = gatherCalls(async (items: string[]) => {
      if (fail) throw new Error('database unreachable');
      return items.map((s) => s.toUpperCase());
    });
    const results = await Promise.allSettled([lookup(['x']), lookup(['y'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('database unreachable'));
    fail = false;
    expect(await lookup(['z'])).toEqual(['Z']);
  });

  it('takes a call of tens of thousands of items (the audit asks for every unread file at once)', async () => {
    const many = Array.from({ length: 200_000 }, (_, i) => i);
    const identity = gatherCalls(async (items: number[]) => items);
    expect((await identity(many)).length).toBe(200_000);
  });
});
