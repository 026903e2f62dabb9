import type { LiveActivity } from '@claudelens/protocol';
import { useQuery } from '@tanstack/react-query';
import { useLiveChannel, usePollInterval, useServices } from '../../../app/services';
import { activityChannel, metricsChannel } from '../../../lib/channels';
import { queryKeys } from '../../../lib/queryKeys';
import { mergeSnapshot } from '../activityReducer';
import { createActivitySync } from '../activitySync';
import { createMetricsSync } from '../metricsSync';

/**
 * A slice of the live board. `select` must be a stable function: the component re-renders only
 * when the slice it returns changes (the syncs keep untouched slices by reference).
 */
export function useLiveBoard<T>(select: (board: LiveActivity) => T) {
  const { api, queryClient } = useServices();
  const refetchInterval = usePollInterval();
  return useQuery({
    queryKey: queryKeys.liveActivity,
    queryFn: async () => mergeSnapshot(queryClient.getQueryData(queryKeys.liveActivity), await api.liveActivity()),
    select,
    // The sockets keep it current; REST only first, and while polling.
    staleTime: Infinity,
    refetchInterval,
    structuralSharing: false,
  });
}

export function useActivityChannel(): void {
  useLiveChannel(activityChannel, createActivitySync);
}

export function useMetricsChannel(): void {
  useLiveChannel(metricsChannel, createMetricsSync);
}

export function useCostRate(): number | undefined {
  return useQuery<number>({ queryKey: queryKeys.liveCostRate, queryFn: () => Promise.reject(new Error('from /ws/metrics-updates only')), enabled: false, staleTime: Infinity }).data;
}

export function useSeries() {
  const { api } = useServices();
  // New lines refresh it at once (activitySync); between them its minutes still slide: every 2 s.
  return useQuery({ queryKey: queryKeys.series, queryFn: api.series, staleTime: 500, refetchInterval: 2000 });
}
