import type { ActiveSession, Alert, LiveActivity, RecentActivity, SessionLive } from '@claudelens/protocol';

export const T0 = '2026-11-21T14:37:49.066Z';

export function session(id: string, over: Partial<ActiveSession> = {}): ActiveSession {
  return { session_id: id, project: '/home/dev/shop-api', started_at: T0, message_count: 2, current_cost: 0.02, last_activity: T0, status: 'active', ...over };
}

export function feedItem(uuid: string, over: Partial<RecentActivity> = {}): RecentActivity {
  return { timestamp: T0, type: 'user', project: '/home/dev/shop-api', summary: `line ${uuid}`, cost: 0, session_id: 's1', uuid, ...over };
}

export function board(over: Partial<LiveActivity> = {}): LiveActivity {
  return {
    active_sessions: [session('s1')],
    recent_activity: [],
    live_metrics: { messages_per_minute: 4, active_sessions: 1, cost_per_hour_rate: 0.02, active_projects: ['/home/dev/shop-api'] },
    ...over,
  };
}

export function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    rule: 'session_cost',
    severity: 'warning',
    message: `alert ${id}`,
    session_id: 's1',
    project: '/home/dev/shop-api',
    value: 0.02,
    threshold: 0.01,
    triggered_at: T0,
    acknowledged: false,
    ...over,
  };
}

export function sessionLive(id: string, over: Partial<SessionLive> = {}): SessionLive {
  return {
    session_id: id,
    project: '/home/dev/shop-api',
    status: 'active',
    started_at: T0,
    last_activity: T0,
    models: ['claude-sonnet-4-5-20250929'],
    stats: {
      messages: { value: 2, formatted_value: '2' },
      tools: { value: 0, formatted_value: '0' },
      tokens: { value: 16045, formatted_value: '16K' },
      cost: { value: 0.0195, formatted_value: '$0.02' },
    },
    recent_messages: [],
    ...over,
  };
}
