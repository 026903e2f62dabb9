import type { LiveStats, SessionChannelEvent, SessionLive, StatsChannelEvent } from '@claudelens/protocol';
import { useQuery } from '@tanstack/react-query';
import type { LiveSync } from '../../../app/liveBindings';
import { ApiError } from '../../../lib/api-client';
import { useLiveChannel, usePollInterval, useServices, type Services } from '../../../app/services';
import { sessionChannel, statsChannel } from '../../../lib/channels';
import { markFresh } from '../../../lib/freshness';
import { queryKeys } from '../../../lib/queryKeys';
import { applySessionEvents, applyStatEvents, mergeMessages } from '../sessionReducer';

function sessionSync(sessionId: string) {
  return ({ queryClient }: Services): LiveSync<SessionChannelEvent> => ({
    apply(events) {
      const key = queryKeys.sessionLive(sessionId);
      const { session, added } = applySessionEvents(queryClient.getQueryData<SessionLive>(key), events);
      if (session) queryClient.setQueryData(key, session);
      markFresh(added);
    },
    dispose() {},
  });
}

function statsSync(sessionId: string) {
  return ({ queryClient }: Services): LiveSync<StatsChannelEvent> => ({
    apply(events) {
      const key = queryKeys.sessionStats(sessionId);
      const stats = applyStatEvents(queryClient.getQueryData<LiveStats>(key), events, sessionId);
      if (stats) queryClient.setQueryData(key, stats);
    },
    dispose() {},
  });
}

/** Both live channels of one session, bound while mounted. */
export function useSessionChannels(sessionId: string): string[] {
  const session = sessionChannel(sessionId);
  const stats = statsChannel(sessionId);
  useLiveChannel(session, sessionSync(sessionId));
  useLiveChannel(stats, statsSync(sessionId));
  return [session.path, stats.path];
}

const whole = (session: SessionLive) => session;

/** The session's live body (status, stats, recent messages); `select` must be stable. */
export function useSessionLive<T = SessionLive>(sessionId: string, select: (session: SessionLive) => T = whole as (session: SessionLive) => T) {
  const { api, queryClient } = useServices();
  const refetchInterval = usePollInterval();
  return useQuery({
    select,
    queryKey: queryKeys.sessionLive(sessionId),
    queryFn: async () => {
      const fresh = await api.sessionLive(sessionId);
      const current = queryClient.getQueryData<SessionLive>(queryKeys.sessionLive(sessionId));
      return { ...fresh, recent_messages: mergeMessages(current?.recent_messages ?? [], fresh.recent_messages) };
    },
    staleTime: Infinity,
    refetchInterval,
    structuralSharing: false,
    retry: (failures, error) => !(error instanceof ApiError && error.status === 404) && failures < 1,
  });
}

export function useSessionStats(sessionId: string) {
  const { api } = useServices();
  const refetchInterval = usePollInterval();
  return useQuery({ queryKey: queryKeys.sessionStats(sessionId), queryFn: () => api.statsLive(sessionId), staleTime: Infinity, refetchInterval });
}
