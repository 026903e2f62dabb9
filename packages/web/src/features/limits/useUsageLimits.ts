import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { UsageLimits } from '@claudelens/protocol';
import { useServices } from '../../app/services';
import { metricsChannel } from '../../lib/channels';

export const usageLimitsKey = ['usage', 'limits'] as const;

/** Pace and projections move with time alone, and the transcript estimate with every request: read again this often. */
const REFRESH_MS = 30_000;

/**
 * GET /api/v1/usage/limits, with `limits_update` from /ws/metrics-updates written over its windows
 * at once. A listener of its own on the shared socket, not the channel's cache writer (the Live
 * page's metricsSync owns that): this component mounts on pages that do not bind the channel.
 */
export function useUsageLimits() {
  const services = useServices();
  useEffect(
    () =>
      services.live.subscribe(metricsChannel, (events) => {
        let last = null;
        for (const event of events) if (event.type === 'limits_update') last = event.data;
        if (!last) return;
        const windows = last;
        services.queryClient.setQueryData<UsageLimits>(usageLimitsKey, (current) => (current ? { ...current, ...windows } : current));
      }),
    [services],
  );
  return useQuery({ queryKey: usageLimitsKey, queryFn: () => services.api.usageLimits(), refetchInterval: REFRESH_MS });
}
