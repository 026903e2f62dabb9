import { wsChannels, type ActivityChannelEvent, type ChannelSpec, type MetricsChannelEvent, type SessionChannelEvent, type StatsChannelEvent } from '@claudelens/protocol';

// The channels come from the protocol's registry, which the server's routes use too.
export type { ChannelSpec, SafeParser } from '@claudelens/protocol';

export const activityChannel: ChannelSpec<ActivityChannelEvent> = wsChannels.activity.spec();
export const metricsChannel: ChannelSpec<MetricsChannelEvent> = wsChannels.metrics.spec();

export function sessionChannel(sessionId: string): ChannelSpec<SessionChannelEvent> {
  return wsChannels.session.spec(sessionId);
}

export function statsChannel(sessionId: string): ChannelSpec<StatsChannelEvent> {
  return wsChannels.stats.spec(sessionId);
}
