import type { SessionStatus } from '@claudelens/protocol';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { usePollInterval, useServices } from '../../app/services';
import { useActivityChannel } from '../live/hooks/useLiveBoard';
import { queryKeys } from '../../lib/queryKeys';

/**
 * GET /api/v1/sessions, most recent first, a page at a time. It follows the live stream: the
 * activity sync reads it again within a second of new lines or status changes (activitySync.ts);
 * without a socket it is polled like the rest.
 */
export function useSessionList(filter: { project?: string; status?: SessionStatus }, pageSize = 100) {
  const { api } = useServices();
  useActivityChannel();
  const refetchInterval = usePollInterval();
  const query = useInfiniteQuery({
    queryKey: queryKeys.sessions(filter),
    queryFn: ({ pageParam }) => api.sessions({ ...filter, limit: pageSize, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    staleTime: 10_000,
    refetchInterval,
  });
  const sessions = useMemo(() => query.data?.pages.flatMap((p) => p.sessions) ?? [], [query.data]);
  return { ...query, sessions };
}
