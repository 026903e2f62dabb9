import type { Alert } from '@claudelens/protocol';
import { useMutation, useQuery } from '@tanstack/react-query';
import { usePollInterval, useServices } from '../../../app/services';
import { ApiError } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/queryKeys';
import { mergeAlerts } from '../alertsMerge';

/** The server's recent alerts, newest first; alert_triggered events add to it (activitySync). */
export function useAlerts() {
  const { api, queryClient } = useServices();
  const refetchInterval = usePollInterval(10_000);
  return useQuery({
    queryKey: queryKeys.alerts,
    queryFn: async () => {
      let fetched: Alert[];
      try {
        fetched = (await api.alerts()).alerts;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        fetched = []; // a server without alerts
      }
      // An alert that came over the socket while this was on its way is kept.
      return { alerts: mergeAlerts(queryClient.getQueryData<{ alerts: Alert[] }>(queryKeys.alerts)?.alerts, fetched) };
    },
    staleTime: Infinity,
    refetchInterval,
  });
}

export function useAcknowledgeAlert() {
  const { api, queryClient } = useServices();
  return useMutation({
    mutationFn: (id: string) => api.acknowledgeAlert(id),
    onSuccess: (alert) => queryClient.setQueryData<{ alerts: Alert[] }>(queryKeys.alerts, (old) => ({ alerts: mergeAlerts(old?.alerts, [alert]) })),
  });
}
