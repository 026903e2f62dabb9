import type { ConversationPage, SessionLive } from '@claudelens/protocol';
import { useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useServices } from '../../../app/services';
import { queryKeys } from '../../../lib/queryKeys';
import { useSessionLive } from './useSessionLive';

/** The API's largest page: a whole conversation in few requests. */
const PAGE = 200;

type Pages = InfiniteData<ConversationPage, string | undefined>;

const selectLatest = (session: SessionLive) => session.recent_messages.at(-1)?.uuid ?? '';

/**
 * The whole conversation, oldest first. Every page is read at once (the view opens at the latest
 * messages), and it follows a live session: when the session's live feed (socket, or polling
 * without one) gets a new line, the last page is read again from its own cursor, which brings
 * the new lines and, when it fills up, a cursor to the next page.
 */
export function useConversation(sessionId: string) {
  const { api, queryClient } = useServices();
  const key = queryKeys.conversation(sessionId);
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => api.messages(sessionId, { limit: PAGE, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    staleTime: Infinity,
  });
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);

  const { data: latest } = useSessionLive(sessionId, selectLatest);
  const reading = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  useEffect(() => {
    if (!latest) return;
    const readTail = async (): Promise<void> => {
      const data = queryClient.getQueryData<Pages>(key);
      if (!data || data.pages.at(-1)?.next_cursor) return; // still loading pages: the last one will have it
      const cursor = data.pageParams.at(-1);
      const page = await api.messages(sessionId, { limit: PAGE, cursor });
      queryClient.setQueryData<Pages>(key, (current) =>
        current && current.pageParams.at(-1) === cursor ? { pages: [...current.pages.slice(0, -1), page], pageParams: current.pageParams } : current,
      );
    };
    const run = () => {
      reading.current = readTail()
        .catch(() => undefined)
        .finally(() => {
          reading.current = null;
          if (again.current) {
            again.current = false;
            run();
          }
        });
    };
    if (reading.current) again.current = true;
    else run();
    // `key` is derived from sessionId.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latest, api, queryClient, sessionId]);

  return query;
}
