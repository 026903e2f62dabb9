import type { SessionStatus } from '@claudelens/protocol';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useServices } from '../../app/services';
import { queryKeys } from '../../lib/queryKeys';

/** GET /api/v1/sessions, most recent first, a page at a time; refreshed every 30 s. */
export function useSessionList(filter: { project?: string; status?: SessionStatus }, pageSize = 100) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: queryKeys.sessions(filter),
    queryFn: ({ pageParam }) => api.sessions({ ...filter, limit: pageSize, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
  const sessions = useMemo(() => query.data?.pages.flatMap((p) => p.sessions) ?? [], [query.data]);
  return { ...query, sessions };
}
