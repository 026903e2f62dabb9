import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../entry.js';
import { liveLine, type LiveInput, type SessionFacts } from './liveInput.js';
import { LiveState } from './liveState.js';

const MIN = 60_000;
const clock = 100 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

/** One user line of each session, in this order, as one commit. */
function lines(sessionIds: string[]): LiveInput {
  const entries = sessionIds.map((sessionId, i): TranscriptEntry => ({
    byteOffset: i, byteLength: 1, lineNo: i + 1, lineType: 'user', uuid: `u-${sessionId}-${i}`, parentUuid: null, sessionId,
    timestamp: iso(clock), cwd: '/p', gitBranch: null, version: null, agentId: '', isSidechain: false, isMeta: false,
    author: 'user', preview: 'hi', toolUses: [], toolResults: [], model: null, request: null, priced: null, isApiError: false,
  }));
  const count = new Map<string, number>();
  for (const id of sessionIds) count.set(id, (count.get(id) ?? 0) + 1);
  const sessions = [...count].map(([sessionId, messageCount]): SessionFacts => ({
    sessionId, projectPath: '/p', firstActivity: iso(0), lastActivity: iso(clock), messageCount,
    toolUseCount: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0,
  }));
  return { lines: entries.map(liveLine), costByLine: new Map(), usageDeltas: new Map(), sessions };
}

const live = (max: number) => new LiveState({ idleAfterMs: 2 * MIN, endedAfterMs: 30 * MIN }, () => clock, max);
const ids = (state: LiveState) => [...state.all()].map((s) => s.sessionId).sort();

describe('LiveState: the live set is bounded', () => {
  it('drops the least recently active sessions past the bound, each with a `dropped` event', () => {
    const state = live(3);
    state.apply(lines(['a', 'b', 'c']));
    const events = state.apply(lines(['a', 'd'])); // a is active again: b, the least recent, goes
    expect(events.filter((e) => e.kind === 'dropped')).toEqual([{ kind: 'dropped', sessionId: 'b' }]);
    expect(ids(state)).toEqual(['a', 'c', 'd']);
    expect(state.dropped).toBe(1);
    expect(state.activeCount()).toBe(3);
  });

  it('a session dropped and seen again starts from its store totals, like a new one', () => {
    const state = live(1);
    state.apply(lines(['a', 'a']));
    state.apply(lines(['b']));
    const events = state.apply(lines(['a']));
    expect(events.find((e) => e.kind === 'stats')).toEqual({ kind: 'stats', sessionId: 'a', changes: [{ stat: 'messages', value: 1, delta: 1 }] });
    expect(ids(state)).toEqual(['a']);
  });

  it('keeps the most recently active of a start-up seed', () => {
    const state = live(2);
    const seed = (sessionId: string, at: number): SessionFacts => ({
      sessionId, projectPath: '/p', firstActivity: iso(0), lastActivity: iso(at), messageCount: 1, toolUseCount: 0,
      inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0,
    });
    state.seed([seed('new', clock - 1000), seed('old', clock - 5 * MIN), seed('newer', clock - 10)]);
    expect(ids(state)).toEqual(['new', 'newer']);
  });

  it('one commit of many new sessions is linear: the lines of each are counted once', () => {
    const state = live(50_000);
    const commit = lines(Array.from({ length: 60_000 }, (_, i) => `s${i}`));
    // Every visit of a line is counted; quadratic, this commit was 3.6 billion visits (minutes).
    const visits = { count: 0 };
    const limit = 20 * commit.lines.length;
    commit.lines = countingVisits(commit.lines, visits, limit);
    const events = state.apply(commit);
    expect(visits.count).toBeLessThanOrEqual(limit);
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(60_000);
  });
});

/** The lines, counting each one an iteration hands out, and failing at once past `limit` (a quadratic walk would take minutes). */
function countingVisits<T>(items: T[], visits: { count: number }, limit: number): T[] {
  const counted = [...items];
  const iterate = function* () {
    for (const item of items) {
      if (++visits.count > limit) throw new Error(`more than ${limit} line visits: per-line work is not O(1)`);
      yield item;
    }
  };
  counted[Symbol.iterator] = iterate as unknown as T[][typeof Symbol.iterator];
  return counted;
}
