import type { ActivityChannelEvent, Alert, LiveActivity } from '@claudelens/protocol';
import type { LiveSync } from '../../app/liveBindings';
import type { Services } from '../../app/services';
import { queryKeys } from '../../lib/queryKeys';
import { throttle } from '../../lib/throttle';
import { applyActivityEvents, mergeActiveSessions, mergeFeed, messagesToFeed } from './activityReducer';
import { mergeAlerts } from './alertsMerge';
import { markFresh } from '../../lib/freshness';
import { createUsageFollow } from '../usage/usageFollow';

/** Sessions whose recent lines are read back to fill a gap: a restart loses at most this many sessions' worth. */
const GAP_SESSIONS = 20;
/** Half-seconds to wait for a restarted server to finish reading its transcripts. */
const GAP_WAIT_TRIES = 240;
/** The sparklines and the lists trail the stream by at most this (plus a fetch). */
const SERIES_REFRESH_MS = 500;
const LISTS_REFRESH_MS = 1000;
const OVERVIEW_REFRESH_MS = 1000;

/** /ws/activity-stream into the cache: the live board, the alerts, and refreshes of what events do not carry. */
export function createActivitySync({ api, queryClient }: Services): LiveSync<ActivityChannelEvent> {
  let disposed = false;
  const waits = new Set<ReturnType<typeof setTimeout>>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.add(timer);
    });
  // A session that starts (or comes back) arrives without its totals: read them. Sessions that end
  // while the read is on its way are noted: the read still has them.
  let endedDuringRead: Set<string> | null = null;
  const refreshSessions = throttle(() => {
    const ended = (endedDuringRead = new Set());
    void api
      .liveActivity()
      .then((fresh) => {
        if (disposed) return;
        queryClient.setQueryData<LiveActivity>(queryKeys.liveActivity, (board) => board && { ...board, active_sessions: mergeActiveSessions(board.active_sessions, fresh.active_sessions, ended) });
      })
      .catch(() => {})
      .finally(() => {
        if (endedDuringRead === ended) endedDuringRead = null;
      });
  }, 2000);
  // What events do not carry whole: the sparklines' minutes, and the Sessions and Projects lists'
  // totals (tokens, tools). Read again after a burst; only queries a page shows are fetched.
  const refreshSeries = throttle(() => void queryClient.invalidateQueries({ queryKey: queryKeys.series }), SERIES_REFRESH_MS);
  const refreshLists = throttle(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.sessionLists });
    void queryClient.invalidateQueries({ queryKey: queryKeys.projects });
  }, LISTS_REFRESH_MS);
  // Today and this week sum a week of requests: the server answers every client from one read a second.
  const refreshOverview = throttle(() => void queryClient.invalidateQueries({ queryKey: queryKeys.summaryAll }), OVERVIEW_REFRESH_MS);
  // The Usage page's ranges that reach today (usageFollow.ts).
  const usage = createUsageFollow(queryClient);

  return {
    apply(events) {
      const before = queryClient.getQueryData<LiveActivity>(queryKeys.liveActivity);
      const result = applyActivityEvents(before, events);
      queryClient.setQueryData(queryKeys.liveActivity, result.board);
      for (const id of result.ended) endedDuringRead?.add(id);
      markFresh(result.added);
      if (result.alerts.length > 0) {
        queryClient.setQueryData<{ alerts: Alert[] }>(queryKeys.alerts, (old) => ({ alerts: mergeAlerts(old?.alerts, result.alerts) }));
      }
      // Alerts that fired while disconnected are not in a snapshot: ask for the list again.
      if (result.snapshot) void queryClient.invalidateQueries({ queryKey: queryKeys.alerts });
      if (result.snapshot && before && before.recent_activity.length > 0) void fillGap(before);
      if (result.sessionsToRefresh) refreshSessions();
      if (result.added.length > 0) refreshSeries();
      if (result.added.length > 0 || result.statusChanged) refreshLists();
      if (result.added.length > 0) refreshOverview();
      if (result.added.length > 0) usage.onLines();
    },
    dispose() {
      disposed = true;
      for (const timer of waits) clearTimeout(timer);
      waits.clear();
      refreshSessions.cancel();
      refreshSeries.cancel();
      refreshLists.cancel();
      refreshOverview.cancel();
      usage.cancel();
    },
  };

  /**
   * After a snapshot that followed a gap (a server restart, a long disconnect), lines written
   * meanwhile are in the store but not in the snapshot's feed: read each recently active
   * session's last lines and merge them in.
   */
  async function fillGap(before: LiveActivity): Promise<void> {
    const newest = before.recent_activity.find((item) => !item.type.startsWith('session_') && item.type !== 'alert')?.timestamp;
    if (!newest) return;
    const since = new Date(Date.parse(newest) - 1000).toISOString();
    // A restarted server answers while it still reads what was written meanwhile (its backfill):
    // those lines are in the store only once it says it is live.
    for (let tries = 0; tries < GAP_WAIT_TRIES && !disposed && (await api.phase()) === 'backfilling'; tries++) await wait(500);
    if (disposed) return;
    try {
      const page = await api.sessions({ since, limit: GAP_SESSIONS });
      const lists = await Promise.all(
        page.sessions.map((s) =>
          api
            .sessionLive(s.sessionId)
            .then((live) => messagesToFeed(s.sessionId, s.projectPath, live.recent_messages.filter((m) => m.timestamp >= since)))
            .catch(() => []),
        ),
      );
      if (disposed) return;
      const items = lists.flat();
      markFresh(items);
      queryClient.setQueryData<LiveActivity>(queryKeys.liveActivity, (board) => board && { ...board, recent_activity: mergeFeed(board.recent_activity, items) });
    } catch {
      // the next snapshot tries again
    }
  }
}
