import type { SessionStatus } from '@claudelens/protocol';

/** Every TanStack Query key of the app, in one place: the live syncs write to these. */
export const queryKeys = {
  liveActivity: ['live', 'activity'] as const,
  /** metric_update's current_cost_rate ($/h at this minute's pace): only the metrics channel has it. */
  liveCostRate: ['live', 'cost-rate'] as const,
  series: ['live', 'series'] as const,
  /** Today and this week in the browser's zone; the recent sessions beside them. */
  summary: (tz: string) => ['live', 'summary', tz] as const,
  summaryAll: ['live', 'summary'] as const,
  /** The Live page's last few sessions: under the summary's key, read again with it. */
  recentSessions: ['live', 'summary', 'recent-sessions'] as const,
  alerts: ['alerts'] as const,
  projects: ['projects'] as const,
  usage: (query: { from?: string; to?: string; tz: string; group: string }) => ['usage', query] as const,
  sessions: (filter: { project?: string; status?: SessionStatus }) => ['sessions', filter] as const,
  /** Every filtered session list at once (a prefix of `sessions`). */
  sessionLists: ['sessions'] as const,
  sessionLive: (sessionId: string) => ['session', sessionId, 'live'] as const,
  sessionStats: (sessionId: string) => ['session', sessionId, 'stats'] as const,
  sessionDetail: (sessionId: string) => ['session', sessionId, 'detail'] as const,
  conversation: (sessionId: string) => ['session', sessionId, 'messages'] as const,
};
