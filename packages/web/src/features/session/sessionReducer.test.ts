import { describe, expect, it } from 'vitest';
import { sessionLive, T0 } from '../../test/fixtures';
import { applySessionEvents, applyStatEvents, mergeMessages } from './sessionReducer';

const msg = (uuid: string, timestamp = T0) => ({ uuid, author: 'user', timestamp, preview: uuid });

describe('session reducer', () => {
  it('appends new messages once, and follows the status', () => {
    const before = sessionLive('s1', { recent_messages: [msg('a')] });
    const { session, added } = applySessionEvents(before, [
      { type: 'new_message', seq: 1, session_id: 's1', message: msg('b', '2026-11-21T14:40:00.000Z') },
      { type: 'new_message', seq: 2, session_id: 's1', message: msg('b', '2026-11-21T14:40:00.000Z') },
      { type: 'session_update', seq: 3, session_id: 's1', timestamp: T0, status: 'thinking', previous_status: 'active' },
    ]);
    expect(session?.recent_messages.map((m) => m.uuid)).toEqual(['a', 'b']);
    expect(session?.last_activity).toBe('2026-11-21T14:40:00.000Z');
    expect(session?.status).toBe('thinking');
    expect(added.map((m) => m.uuid)).toEqual(['b']);
  });

  it('merges a snapshot with the messages it already had', () => {
    const before = sessionLive('s1', { recent_messages: [msg('a', '2026-11-21T14:30:00.000Z')] });
    const { session } = applySessionEvents(before, [{ type: 'snapshot', seq: 0, data: sessionLive('s1', { recent_messages: [msg('c', '2026-11-21T14:50:00.000Z')], status: 'idle' }) }]);
    expect(session?.recent_messages.map((m) => m.uuid)).toEqual(['a', 'c']);
    expect(session?.status).toBe('idle');
  });

  it('keeps the newest `limit` messages', () => {
    expect(mergeMessages([msg('a', '1'), msg('b', '2')], [msg('c', '3')], 2).map((m) => m.uuid)).toEqual(['b', 'c']);
  });

  it('sets a stat from stat_update', () => {
    const stats = applyStatEvents(undefined, [
      { type: 'stat_update', seq: 0, stat_type: 'tokens', session_id: 's1', timestamp: T0, update: { new_value: 33586, formatted_value: '33.6K', delta: 17541, animation: 'increment' } },
    ], 's1');
    expect(stats?.tokens).toEqual({ value: 33586, formatted_value: '33.6K' });
    expect(stats?.messages.value).toBe(0);
  });
});
