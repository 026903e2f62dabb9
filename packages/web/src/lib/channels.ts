import {
  ActivityChannelEventSchema,
  MetricsChannelEventSchema,
  SessionChannelEventSchema,
  StatsChannelEventSchema,
  type ActivityChannelEvent,
  type MetricsChannelEvent,
  type SessionChannelEvent,
  type StatsChannelEvent,
} from '@claudelens/protocol';

export interface SafeParser<E> {
  safeParse(data: unknown): { success: true; data: E } | { success: false };
}

/** One WebSocket channel of docs/api.md: its path (also its identity) and the schema of its events. */
export interface ChannelSpec<E extends { type: string; seq: number }> {
  path: string;
  schema: SafeParser<E>;
}

export const activityChannel: ChannelSpec<ActivityChannelEvent> = { path: '/ws/activity-stream', schema: ActivityChannelEventSchema };
export const metricsChannel: ChannelSpec<MetricsChannelEvent> = { path: '/ws/metrics-updates', schema: MetricsChannelEventSchema };

export function sessionChannel(sessionId: string): ChannelSpec<SessionChannelEvent> {
  return { path: `/ws/session/${encodeURIComponent(sessionId)}`, schema: SessionChannelEventSchema };
}

export function statsChannel(sessionId: string): ChannelSpec<StatsChannelEvent> {
  return { path: `/ws/stats/${encodeURIComponent(sessionId)}`, schema: StatsChannelEventSchema };
}
