import {
  ActivityChannelEventSchema,
  MetricsChannelEventSchema,
  SessionChannelEventSchema,
  StatsChannelEventSchema,
  type ActivityChannelEvent,
  type MetricsChannelEvent,
  type SessionChannelEvent,
  type StatsChannelEvent,
} from './live.js';

export interface SafeParser<E> {
  safeParse(data: unknown): { success: true; data: E } | { success: false };
}

/** One WebSocket channel a client opens: its path (also its identity) and the schema of its events. */
export interface ChannelSpec<E extends { type: string; seq: number }> {
  path: string;
  schema: SafeParser<E>;
}

/**
 * The four WebSocket channels of specs 000 and 001 (docs/api.md): the route the server registers,
 * the path a client opens, and the schema of what is sent on it. The server and the web client
 * both read this one table, so a path or an event shape cannot differ between them.
 */
export const wsChannels = {
  stats: {
    route: '/ws/stats/:sessionId',
    spec: (sessionId: string): ChannelSpec<StatsChannelEvent> => ({ path: `/ws/stats/${encodeURIComponent(sessionId)}`, schema: StatsChannelEventSchema }),
  },
  session: {
    route: '/ws/session/:sessionId',
    spec: (sessionId: string): ChannelSpec<SessionChannelEvent> => ({ path: `/ws/session/${encodeURIComponent(sessionId)}`, schema: SessionChannelEventSchema }),
  },
  activity: {
    route: '/ws/activity-stream',
    spec: (): ChannelSpec<ActivityChannelEvent> => ({ path: '/ws/activity-stream', schema: ActivityChannelEventSchema }),
  },
  metrics: {
    route: '/ws/metrics-updates',
    spec: (): ChannelSpec<MetricsChannelEvent> => ({ path: '/ws/metrics-updates', schema: MetricsChannelEventSchema }),
  },
} as const;
