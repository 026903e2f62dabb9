import type { LiveMessage, LiveStats, SessionChannelEvent, SessionLive, StatsChannelEvent } from '@claudelens/protocol';

/** Messages of one session kept for its live feed. */
export const SESSION_FEED_LIMIT = 500;

/** Union by uuid, oldest first, the newest `limit`. */
export function mergeMessages(current: LiveMessage[], incoming: LiveMessage[], limit = SESSION_FEED_LIMIT): LiveMessage[] {
  const byUuid = new Map<string, LiveMessage>();
  for (const m of current) byUuid.set(m.uuid, m);
  for (const m of incoming) byUuid.set(m.uuid, m);
  const all = [...byUuid.values()].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return all.length > limit ? all.slice(all.length - limit) : all;
}

export interface SessionApplied {
  session: SessionLive | undefined;
  added: LiveMessage[];
}

/** /ws/session/{id} events applied to the session's live body (GET /api/v1/analytics/session/live). */
export function applySessionEvents(session: SessionLive | undefined, events: SessionChannelEvent[], limit = SESSION_FEED_LIMIT): SessionApplied {
  let current = session;
  const added: LiveMessage[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'snapshot':
        current = { ...event.data, recent_messages: mergeMessages(current?.recent_messages ?? [], event.data.recent_messages, limit) };
        break;
      case 'new_message': {
        if (!current) break; // the snapshot comes first; a message before it is in it
        const messages = current.recent_messages;
        if (messages.some((m) => m.uuid === event.message.uuid)) break;
        const next = [...messages, event.message];
        added.push(event.message);
        current = { ...current, recent_messages: next.length > limit ? next.slice(next.length - limit) : next, last_activity: event.message.timestamp || current.last_activity };
        break;
      }
      case 'session_update':
        if (current) current = { ...current, status: event.status };
        break;
    }
  }
  return { session: current, added };
}

/** /ws/stats/{id} events applied to the session's four stats. */
export function applyStatEvents(stats: LiveStats | undefined, events: StatsChannelEvent[], sessionId: string): LiveStats | undefined {
  let current = stats;
  for (const event of events) {
    if (event.type !== 'stat_update') continue;
    const base: LiveStats = current ?? {
      session_id: sessionId,
      messages: { value: 0, formatted_value: '0' },
      tools: { value: 0, formatted_value: '0' },
      tokens: { value: 0, formatted_value: '0' },
      cost: { value: 0, formatted_value: '$0.00' },
    };
    current = { ...base, [event.stat_type]: { value: event.update.new_value, formatted_value: event.update.formatted_value } };
  }
  return current;
}
