import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useServices } from '../../../app/services';
import { queryKeys } from '../../../lib/queryKeys';
import { useSessionStats } from './useSessionLive';

/** At most one re-read of the breakdown per this while the session spends. */
const REFRESH_MS = 2000;

/**
 * The session's stored totals with the per-model and per-subagent split (GET /api/v1/sessions/{id}).
 * No socket carries the split: it is read again when the live cost moves, at most every 2 s.
 */
export function useSessionDetail(sessionId: string) {
  const queryClient = useQueryClient();
  const { data: stats } = useSessionStats(sessionId);
  const cost = stats?.cost.value;
  const last = useRef(0);
  const seen = useRef<number | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const before = seen.current;
    seen.current = cost;
    if (cost === undefined || before === undefined || cost === before) return; // the first value: the first read has it
    const refresh = () => {
      last.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: queryKeys.sessionDetail(sessionId) });
    };
    const wait = last.current + REFRESH_MS - Date.now();
    if (wait <= 0) refresh();
    else if (timer.current === undefined) {
      timer.current = setTimeout(() => {
        timer.current = undefined;
        refresh();
      }, wait);
    }
  }, [cost, queryClient, sessionId]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return useStoredSession(sessionId);
}

/** The same body, read without following the cost (a reader next to one that does). */
export function useStoredSession(sessionId: string) {
  const { api } = useServices();
  return useQuery({ queryKey: queryKeys.sessionDetail(sessionId), queryFn: () => api.session(sessionId), staleTime: Infinity });
}
