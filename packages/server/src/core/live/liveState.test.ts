import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../entry.js';
import { liveLine, type LiveInput, type SessionFacts } from './liveInput.js';
import { LiveState, type LiveEvent } from './liveState.js';

const MIN = 60_000;
let clock = 0;
const state = () => new LiveState({ idleAfterMs: 2 * MIN, endedAfterMs: 30 * MIN }, () => clock);
const iso = (ms: number) => new Date(ms).toISOString();

function entry(over: Partial<TranscriptEntry>): TranscriptEntry {
  return {
    byteOffset: 0, byteLength: 1, lineNo: 1, lineType: 'user', uuid: `u${Math.random()}`, parentUuid: null, sessionId: 's1',
    timestamp: iso(clock), cwd: '/p', gitBranch: null, version: null, agentId: '', isSidechain: false, isMeta: false,
    author: 'user', preview: 'hi', toolUses: [], toolResults: [], model: null, request: null, priced: null, isApiError: false,
    ...over,
  };
}

function facts(over: Partial<SessionFacts>): SessionFacts {
  return {
    sessionId: 's1', projectPath: '/p', firstActivity: iso(0), lastActivity: iso(clock), messageCount: 0, toolUseCount: 0,
    inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0, ...over,
  };
}

function input(entries: TranscriptEntry[], totals: Partial<SessionFacts>, usage = { tokens: 0, cost: 0 }): LiveInput {
  return { lines: entries.map(liveLine), costByLine: new Map(), usageDeltas: new Map([['s1', usage]]), sessions: [facts(totals)] };
}

const kinds = (events: LiveEvent[]) => events.map((e) => (e.kind === 'status' ? `status:${e.status}` : e.kind));

describe('LiveState', () => {
  it('starts a session on its first line, with the right deltas, then follows its status', () => {
    clock = 10 * MIN;
    const live = state();
    const prompt = entry({ lineType: 'user', preview: 'fix it' });
    const events = live.apply(input([prompt], { messageCount: 5, toolUseCount: 2 }));
    expect(kinds(events)).toEqual(['message', 'stats', 'started', 'status:thinking']);
    // The feed puts "Session started" at the transcript time of the line that started it.
    expect(events.find((e) => e.kind === 'started')).toMatchObject({ at: prompt.timestamp });
    const stats = events.find((e) => e.kind === 'stats');
    // The store already had 4 messages: the delta is this line only.
    expect(stats).toMatchObject({ changes: [{ stat: 'messages', value: 5, delta: 1 }] });

    const answer = entry({ lineType: 'assistant', author: 'assistant', preview: 'done' });
    expect(kinds(live.apply(input([answer], { messageCount: 6, toolUseCount: 2, outputTokens: 7, cost: 0.5 }, { tokens: 7, cost: 0.5 })))).toEqual([
      'message',
      'stats',
      'status:active',
    ]);
    clock += 2 * MIN;
    expect(kinds(live.tick())).toEqual(['status:idle']);
    clock += 28 * MIN;
    expect(kinds(live.tick())).toEqual(['status:ended', 'ended']);
    expect(live.activeSessions()).toEqual([]);
  });

  it('is thinking while a tool call waits for its result', () => {
    clock = 100 * MIN;
    const live = state();
    live.apply(input([entry({ lineType: 'assistant', author: 'assistant', toolUses: [{ id: 't', name: 'Bash' }] })], { messageCount: 1, toolUseCount: 1 }));
    expect(live.get('s1')?.status).toBe('thinking');
    expect(live.activeSessions()[0]).toMatchObject({ session_id: 's1', status: 'thinking', message_count: 1, project: '/p' });
  });

  it('counts messages per minute and cost by event time, late lines included', () => {
    clock = 200 * MIN;
    const live = state();
    const late = entry({ timestamp: iso(clock - 30_000), uuid: 'late' });
    const old = entry({ timestamp: iso(clock - 2 * 3600_000), uuid: 'old' });
    const costed: LiveInput = { ...input([entry({ uuid: 'a' }), late, old], { messageCount: 3 }), costByLine: new Map([['a', 0.25], ['late', 0.05]]) };
    live.apply(costed);
    expect(live.metricUpdates()).toEqual({ active_sessions: 1, messages_per_minute: 2, current_cost_rate: (0.25 + 0.05) * 60, cost_per_hour_rate: 0.3, active_projects: ['/p'] });
    expect(live.liveMetrics()).toMatchObject({ cost_per_hour_rate: 0.3, active_projects: ['/p'] });
    expect(live.recentActivity()[0]).toMatchObject({ session_id: 's1', project: '/p' });
  });

  it('seeds its rate windows from stored per-second activity: the last minute and hour at once, older seconds ignored', () => {
    const s = state();
    const second = (msAgo: number) => new Date(clock - msAgo).toISOString().slice(0, 19);
    s.seedRates([
      { at: second(2 * 3600_000), messages: 50, cost: 50, tokens: 5000 }, // outside the hour
      { at: second(10 * MIN), messages: 4, cost: 2, tokens: 400 },
      { at: second(30_000), messages: 3, cost: 0.5, tokens: 100 },
    ]);
    expect(s.metricUpdates()).toMatchObject({ messages_per_minute: 3, current_cost_rate: 30 });
    expect(s.liveMetrics()).toMatchObject({ messages_per_minute: 3, cost_per_hour_rate: 2.5 });
    expect(s.series('tokens').reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('seeds sessions from the store without events; one ended already (long quiet) is not kept', () => {
    clock = 300 * MIN;
    const live = state();
    live.seed([facts({ sessionId: 'recent', lastActivity: iso(clock - MIN) }), facts({ sessionId: 'old', lastActivity: iso(clock - 60 * MIN) })]);
    expect(live.get('recent')?.status).toBe('active');
    expect(live.get('old')).toBeUndefined();
    expect([...live.all()].map((s) => s.sessionId)).toEqual(['recent']);
    expect(live.tick()).toEqual([]);
  });

  it('forgets a session only once it has ended', () => {
    clock = 300 * MIN;
    const live = state();
    live.seed([facts({ sessionId: 'recent', lastActivity: iso(clock - MIN) })]);
    expect(live.forget('recent')).toBe(false);
    expect(live.get('recent')?.status).toBe('active');
    clock += 60 * MIN;
    expect(live.tick().map((e) => e.kind)).toEqual(['status', 'ended']);
    expect(live.forget('recent')).toBe(true);
    expect(live.get('recent')).toBeUndefined();
    expect(live.forget('recent')).toBe(false);
  });
});
