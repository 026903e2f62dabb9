import type { ActiveSession, ActivityChannelEvent, ActivityEvent, Alert, LiveActivity, LiveMessage, RecentActivity } from '@claudelens/protocol';

// The live board (the body of GET /api/v1/analytics/live-activity) as /ws/activity-stream
// changes it. Pure: a batch of events in, the next board out, untouched parts kept by
// reference so that a component showing only them does not re-render.

/** Feed items kept in memory; the list on screen is virtualised. */
export const FEED_LIMIT = 2000;

/**
 * The feed is cut back to its limit only once it is this far over: dropping the oldest items on
 * every frame shifted every row on screen (a repaint of the whole list per frame at 200 events
 * a second); in bursts, the rows stay put between cuts and following them is a plain scroll.
 */
export function feedSlack(limit: number): number {
  return Math.ceil(limit / 8);
}

export interface ActivityApplied {
  board: LiveActivity;
  /** Alerts that fired in this batch, oldest first. */
  alerts: Alert[];
  /** A snapshot replaced the board (first frame, or after a resync). */
  snapshot: boolean;
  /** Sessions started or came back: their totals are not in the events, a REST refresh has them. */
  sessionsToRefresh: boolean;
  /** Feed items added by the batch. */
  added: RecentActivity[];
  /** A session's status changed (or it started or ended): lists that show statuses are behind. */
  statusChanged: boolean;
  /** Sessions that ended in this batch (gone from the board). */
  ended: string[];
}

export const EMPTY_BOARD: LiveActivity = {
  active_sessions: [],
  recent_activity: [],
  live_metrics: { messages_per_minute: 0, active_sessions: 0, cost_per_hour_rate: 0, active_projects: [] },
};

export function feedKey(item: RecentActivity): string {
  return `${item.session_id}|${item.uuid ?? `${item.type}|${item.timestamp}`}`;
}

/** The feed's `type` for a message: as the REST body names it (user, assistant, tool_use, tool_result). */
export function feedType(author: string | undefined, tool: string | undefined): string {
  if (author === 'tool') return 'tool_result';
  if (author === 'assistant' && tool) return 'tool_use';
  return author ?? 'message';
}

/** A session's "Session started" sorts below (before) its own lines of the same instant: its first line is one of them. */
const rank = (item: RecentActivity) => (item.type === 'session_started' ? 0 : 1);

/** Feed order, newest first: by transcript time, then a session's start before its lines; other ties keep the order they came in. */
export function newerFirst(a: RecentActivity, b: RecentActivity): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  return a.session_id === b.session_id ? rank(b) - rank(a) : 0;
}

/** Union by key, newest first, at most `limit`. */
export function mergeFeed(current: RecentActivity[], incoming: RecentActivity[], limit = FEED_LIMIT): RecentActivity[] {
  if (incoming.length === 0) return current;
  const byKey = new Map<string, RecentActivity>();
  for (const item of current) byKey.set(feedKey(item), item);
  for (const item of incoming) if (!byKey.has(feedKey(item))) byKey.set(feedKey(item), item);
  // A stable sort: items of the same instant keep the order they came in.
  return [...byKey.values()].sort(newerFirst).slice(0, limit);
}

/**
 * New items (oldest first, as they came) put in their place in a feed held newest first. Almost
 * always they are the newest and go on top; a late line (transcripts are not in time order) or a
 * "Session started" that came after its session's first lines goes below the newer ones.
 */
function insertNewest(feed: RecentActivity[], fresh: RecentActivity[]): RecentActivity[] {
  const out = feed.slice();
  for (const item of fresh) {
    let i = 0;
    while (i < out.length && newerFirst(out[i] as RecentActivity, item) < 0) i++;
    out.splice(i, 0, item);
  }
  return out;
}

/** A snapshot (or a REST body) replaces sessions and rates; the feed keeps what it had. */
export function mergeSnapshot(current: LiveActivity | undefined, fresh: LiveActivity, limit = FEED_LIMIT): LiveActivity {
  return { ...fresh, recent_activity: mergeFeed(current?.recent_activity ?? [], fresh.recent_activity, limit) };
}

/**
 * A REST read of the live sessions merged into what the stream has built. The read may predate
 * events the stream already applied (it is answered after them): a session's count and cost only
 * grow while it is live, so the larger wins; a session the read lacks started after it, and one
 * that `endedSince` the read was sent is left out (the read still had it). Replacing the list with
 * the read lost those events for good: a card stayed 43 messages and $0.56 under the store in the
 * reconciliation test.
 */
export function mergeActiveSessions(current: ActiveSession[], fresh: ActiveSession[], endedSince: ReadonlySet<string> = new Set()): ActiveSession[] {
  const byId = new Map(current.map((s) => [s.session_id, s]));
  const merged = fresh.filter((f) => !endedSince.has(f.session_id)).map((f) => {
    const c = byId.get(f.session_id);
    byId.delete(f.session_id);
    if (!c) return f;
    return {
      ...f,
      message_count: Math.max(f.message_count, c.message_count),
      current_cost: Math.max(f.current_cost, c.current_cost),
      last_activity: f.last_activity > c.last_activity ? f.last_activity : c.last_activity,
    };
  });
  return [...byId.values(), ...merged];
}

/** A session's recent messages (GET /api/v1/analytics/session/live) as feed items: how a gap after a restart is filled. */
export function messagesToFeed(sessionId: string, project: string | null, messages: LiveMessage[]): RecentActivity[] {
  return messages.map((m) => ({
    timestamp: m.timestamp,
    type: feedType(m.author, m.tool_used),
    project: project ?? '',
    summary: m.preview,
    cost: 0,
    session_id: sessionId,
    uuid: m.uuid,
    ...(m.tool_used ? { tool: m.tool_used } : {}),
  }));
}

export function applyActivityEvents(board: LiveActivity | undefined, events: ActivityChannelEvent[], limit = FEED_LIMIT): ActivityApplied {
  let current = board ?? EMPTY_BOARD;
  let sessions: ActiveSession[] | null = null; // copied on first change
  const fresh: RecentActivity[] = []; // oldest first
  const alerts: Alert[] = [];
  let snapshot = false;
  let sessionsToRefresh = false;
  let statusChanged = false;
  const ended: string[] = [];

  const flushSessions = () => {
    if (sessions) current = { ...current, active_sessions: sessions };
    sessions = null;
  };
  const editSessions = () => (sessions ??= [...current.active_sessions]);

  for (const event of events) {
    if (event.type === 'resync' || event.type === 'pong') continue;
    if (event.type === 'snapshot') {
      flushSessions();
      const feed = mergeFeed(current.recent_activity, fresh.splice(0).reverse(), limit);
      current = mergeSnapshot({ ...current, recent_activity: feed }, event.data, limit);
      snapshot = true;
      continue;
    }
    const item = toFeedItem(event);
    if (item) fresh.push(item);
    if (event.type === 'alert_triggered') {
      alerts.push(event.data.alert);
      continue;
    }
    if (event.type !== 'new_message') statusChanged = true;
    switch (event.type) {
      case 'new_message': {
        const { data } = event;
        const list = editSessions();
        const i = list.findIndex((s) => s.session_id === data.session_id);
        const session = list[i];
        if (session) {
          list[i] = {
            ...session,
            message_count: session.message_count + 1,
            current_cost: session.current_cost + (data.cost ?? 0),
            last_activity: [session.last_activity, data.message_timestamp ?? event.timestamp].sort()[1] as string,
          };
        }
        break;
      }
      case 'session_started':
        sessionsToRefresh = true;
        break;
      case 'session_update': {
        const { data } = event;
        const list = editSessions();
        const i = list.findIndex((s) => s.session_id === data.session_id);
        const session = list[i];
        if (data.status === 'ended') {
          ended.push(data.session_id);
          if (i >= 0) list.splice(i, 1);
        } else if (session && data.status) list[i] = { ...session, status: data.status };
        else if (data.status) {
          list.unshift({
            session_id: data.session_id,
            project: data.project ?? '',
            started_at: event.timestamp,
            message_count: 0,
            current_cost: 0,
            last_activity: event.timestamp,
            status: data.status,
          });
          sessionsToRefresh = true;
        }
        break;
      }
      case 'session_ended': {
        const { data } = event;
        ended.push(data.session_id);
        const list = editSessions();
        const i = list.findIndex((s) => s.session_id === data.session_id);
        if (i >= 0) list.splice(i, 1);
        break;
      }
    }
  }
  flushSessions();
  if (fresh.length > 0) {
    const feed = insertNewest(current.recent_activity, fresh);
    current = { ...current, recent_activity: feed.length > limit + feedSlack(limit) ? feed.slice(0, limit) : feed };
  }
  return { board: current, alerts, snapshot, sessionsToRefresh, added: fresh, statusChanged, ended };
}

function toFeedItem(event: ActivityEvent): RecentActivity | null {
  const { data, timestamp } = event;
  // A global alert belongs to no session: '' (the feed shows no session link for it).
  // The transcript's time where the event has it (a line, a session's return), as the REST feed has it.
  const at = 'message_timestamp' in data ? data.message_timestamp : undefined;
  const base = { timestamp: at ?? timestamp, project: data.project ?? '', session_id: data.session_id ?? '', cost: 0 };
  switch (event.type) {
    case 'new_message': {
      const { data } = event;
      return {
        ...base,
        type: feedType(data.message_type, data.tool),
        summary: data.summary ?? '',
        cost: data.cost ?? 0,
        ...(data.uuid ? { uuid: data.uuid } : {}),
        ...(data.tool ? { tool: data.tool } : {}),
      };
    }
    case 'session_started':
      return { ...base, type: 'session_started', summary: 'Session started', uuid: `started|${timestamp}` };
    case 'session_ended':
      return { ...base, type: 'session_ended', summary: 'Session ended', uuid: `ended|${timestamp}` };
    case 'alert_triggered':
      return { ...base, type: 'alert', summary: event.data.alert.message, uuid: `alert|${event.data.alert.id}` };
    default:
      return null; // status changes show on the session cards, not in the feed
  }
}
