import type { ActivityChannelEvent } from '@claudelens/protocol';
import { describe, expect, it } from 'vitest';
import { alert, board, feedItem, session, T0 } from '../../test/fixtures';
import { applyActivityEvents, feedKey, mergeActiveSessions, mergeFeed, messagesToFeed } from './activityReducer';

const message = (seq: number, over: Record<string, unknown> = {}): ActivityChannelEvent => ({
  type: 'new_message',
  seq,
  timestamp: `2026-11-21T14:38:0${seq}.000Z`,
  data: { session_id: 's1', project: '/home/dev/shop-api', message_type: 'assistant', cost: 0.01, uuid: `u${seq}`, summary: `msg ${seq}`, ...over },
});

describe('applyActivityEvents', () => {
  it('adds messages to the feed (newest first) and to their session, keeping untouched slices by reference', () => {
    const before = board({ active_sessions: [session('s1'), session('s2')], recent_activity: [feedItem('old')] });
    const { board: after, added } = applyActivityEvents(before, [message(1), message(2, { tool: 'Edit' })]);
    expect(after.recent_activity.map((i) => i.uuid)).toEqual(['u2', 'u1', 'old']);
    expect(after.recent_activity[0]).toMatchObject({ type: 'tool_use', tool: 'Edit', cost: 0.01, summary: 'msg 2' });
    expect(after.active_sessions[0]).toMatchObject({ session_id: 's1', message_count: 4, current_cost: 0.04, last_activity: '2026-11-21T14:38:02.000Z' });
    expect(after.active_sessions[1]).toBe(before.active_sessions[1]);
    expect(after.live_metrics).toBe(before.live_metrics);
    expect(added.map((i) => i.uuid)).toEqual(['u1', 'u2']);
  });

  it('names tool results and user prompts as the REST body does', () => {
    const { board: after } = applyActivityEvents(board(), [message(1, { message_type: 'tool' }), message(2, { message_type: 'user', cost: 0 })]);
    expect(after.recent_activity.map((i) => i.type)).toEqual(['user', 'tool_result']);
  });

  it('follows status changes: updates, removes ended sessions, adds a session it did not know and asks for its totals', () => {
    const before = board({ active_sessions: [session('s1'), session('s2')] });
    const events: ActivityChannelEvent[] = [
      { type: 'session_update', seq: 1, timestamp: T0, data: { session_id: 's1', status: 'thinking', previous_status: 'active' } },
      { type: 'session_update', seq: 2, timestamp: T0, data: { session_id: 's2', status: 'ended', previous_status: 'idle' } },
      { type: 'session_ended', seq: 3, timestamp: T0, data: { session_id: 's2' } },
      { type: 'session_started', seq: 4, timestamp: T0, data: { session_id: 's3', project: '/p' } },
      { type: 'session_update', seq: 5, timestamp: T0, data: { session_id: 's3', project: '/p', status: 'thinking', previous_status: 'ended' } },
    ];
    const result = applyActivityEvents(before, events);
    expect(result.board.active_sessions.map((s) => [s.session_id, s.status])).toEqual([
      ['s3', 'thinking'],
      ['s1', 'thinking'],
    ]);
    expect(result.sessionsToRefresh).toBe(true);
    expect(result.board.recent_activity.map((i) => i.type)).toEqual(['session_started', 'session_ended']);
  });

  it('collects alerts and shows them in the feed', () => {
    const fired = alert('a1');
    const result = applyActivityEvents(board(), [{ type: 'alert_triggered', seq: 1, timestamp: T0, data: { session_id: 's1', alert: fired } }]);
    expect(result.alerts).toEqual([fired]);
    expect(result.board.recent_activity[0]).toMatchObject({ type: 'alert', summary: 'alert a1' });
  });

  it('shows a global alert (no session) in the feed without a session', () => {
    const fired = alert('g1', { session_id: null, project: null, rule: 'cost_rate' });
    const result = applyActivityEvents(board(), [{ type: 'alert_triggered', seq: 1, timestamp: T0, data: { alert: fired } }]);
    expect(result.alerts).toEqual([fired]);
    expect(result.board.recent_activity[0]).toMatchObject({ type: 'alert', session_id: '' });
    expect(result.board.active_sessions).toEqual(board().active_sessions);
  });

  it('takes sessions and rates from a snapshot but keeps the feed it had', () => {
    const before = board({ recent_activity: [feedItem('kept', { timestamp: '2026-11-21T14:30:00.000Z' })] });
    const snapshot = board({ active_sessions: [session('s9')], recent_activity: [feedItem('new', { timestamp: '2026-11-21T14:40:00.000Z' })] });
    const result = applyActivityEvents(before, [{ type: 'resync', seq: 0, reason: 'restart' }, { type: 'snapshot', seq: 0, timestamp: T0, data: snapshot }, message(1)]);
    expect(result.snapshot).toBe(true);
    expect(result.board.active_sessions.map((s) => s.session_id)).toEqual(['s9']);
    // In transcript time: the snapshot's line (14:40) is newer than the event's (14:38).
    expect(result.board.recent_activity.map((i) => i.uuid)).toEqual(['new', 'u1', 'kept']);
  });

  it('cuts the feed back to `limit` items, dropping the oldest, once it is past the slack', () => {
    const before = board({ recent_activity: [feedItem('a'), feedItem('b'), feedItem('c'), feedItem('d'), feedItem('e'), feedItem('f'), feedItem('g'), feedItem('h')] });
    const one = applyActivityEvents(before, [message(1)], 8);
    expect(one.board.recent_activity).toHaveLength(9); // within the slack (1 for a limit of 8)
    const two = applyActivityEvents(one.board, [message(2)], 8);
    expect(two.board.recent_activity.map((i) => i.uuid)).toEqual(['u2', 'u1', 'a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('mergeFeed', () => {
  it('is a union by session and uuid, newest first', () => {
    const a = feedItem('x', { timestamp: '2026-11-21T14:00:00.000Z' });
    const b = feedItem('y', { timestamp: '2026-11-21T15:00:00.000Z' });
    const merged = mergeFeed([a], [b, { ...a }]);
    expect(merged.map(feedKey)).toEqual(['s1|y', 's1|x']);
    expect(merged[1]).toBe(a);
  });

  it('turns recent messages into feed items (a gap filled after a restart)', () => {
    const items = messagesToFeed('s1', '/p', [
      { uuid: 'm1', author: 'assistant', timestamp: T0, preview: '→ Edit', tool_used: 'Edit' },
      { uuid: 'm2', author: 'tool', timestamp: T0, preview: 'ok' },
    ]);
    expect(items.map((i) => [i.type, i.tool])).toEqual([
      ['tool_use', 'Edit'],
      ['tool_result', undefined],
    ]);
  });
});

describe('mergeActiveSessions', () => {
  it('keeps what the stream applied after the REST read was taken, and sessions that started since', () => {
    const streamed = [session('s1', { message_count: 143, current_cost: 5.45 }), session('s3', { message_count: 1 })];
    const read = [session('s1', { message_count: 100, current_cost: 4.8 }), session('s2', { message_count: 9 })];
    const merged = mergeActiveSessions(streamed, read);
    expect(merged.find((s) => s.session_id === 's1')).toMatchObject({ message_count: 143, current_cost: 5.45 });
    expect(merged.map((s) => s.session_id).sort()).toEqual(['s1', 's2', 's3']);
    expect(mergeActiveSessions([session('s1', { message_count: 2 })], [session('s1', { message_count: 7, status: 'thinking' })])[0]).toMatchObject({ message_count: 7, status: 'thinking' });
    // One that ended while the read was on its way stays gone.
    expect(mergeActiveSessions([], [session('s1')], new Set(['s1']))).toEqual([]);
    expect(applyActivityEvents(board({ active_sessions: [session('s1')] }), [{ type: 'session_ended', seq: 1, timestamp: T0, data: { session_id: 's1' } }]).ended).toEqual(['s1']);
  });
});

describe('the feed in transcript time', () => {
  it("shows each line at its transcript time, and a session's start before its first lines, whatever order the events came in", () => {
    const line = (seq: number, at: string) => message(seq, { session_id: 's9', message_timestamp: at });
    const started: ActivityChannelEvent = { type: 'session_started', seq: 3, timestamp: '2026-11-21T14:39:00.000Z', data: { session_id: 's9', message_timestamp: '2026-11-21T14:38:01.000Z' } };
    const { board: after } = applyActivityEvents(board(), [line(1, '2026-11-21T14:38:01.000Z'), line(2, '2026-11-21T14:38:02.000Z'), started]);
    // Newest first: the second line, the first, then the start (the screen shows them the other way up).
    expect(after.recent_activity.map((i) => i.type === 'session_started' ? 'started' : i.uuid)).toEqual(['u2', 'u1', 'started', ...board().recent_activity.map((i) => i.uuid)]);
    expect(after.recent_activity[0]?.timestamp).toBe('2026-11-21T14:38:02.000Z');
    // A late line (stamped before the newest) goes in its place, not on top.
    const { board: later } = applyActivityEvents(after, [line(4, '2026-11-21T14:38:01.500Z')]);
    expect(later.recent_activity.slice(0, 3).map((i) => i.uuid)).toEqual(['u2', 'u4', 'u1']);
  });
});
