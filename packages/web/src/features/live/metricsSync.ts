import type { LiveActivity, LiveMetrics, MetricsChannelEvent } from '@claudelens/protocol';
import type { LiveSync } from '../../app/liveBindings';
import type { Services } from '../../app/services';
import { queryKeys } from '../../lib/queryKeys';

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * /ws/metrics-updates into the cache: every metric card of the Live page (the board's live_metrics),
 * and the current cost pace that only this channel has. A server from before 2026-12-07 sends no
 * last-hour cost or projects: those then keep what the last snapshot said.
 */
export function createMetricsSync({ queryClient }: Services): LiveSync<MetricsChannelEvent> {
  return {
    apply(events) {
      let last = null;
      for (const event of events) if (event.type === 'metric_update') last = event.data.metric_updates;
      if (!last) return;
      const update = last;
      queryClient.setQueryData(queryKeys.liveCostRate, update.current_cost_rate);
      queryClient.setQueryData<LiveActivity>(queryKeys.liveActivity, (board) => {
        if (!board) return board;
        const m = board.live_metrics;
        const next: LiveMetrics = {
          active_sessions: update.active_sessions,
          messages_per_minute: update.messages_per_minute,
          cost_per_hour_rate: update.cost_per_hour_rate ?? m.cost_per_hour_rate,
          active_projects: update.active_projects && !sameList(update.active_projects, m.active_projects) ? update.active_projects : m.active_projects,
        };
        const same = next.active_sessions === m.active_sessions && next.messages_per_minute === m.messages_per_minute && next.cost_per_hour_rate === m.cost_per_hour_rate && next.active_projects === m.active_projects;
        return same ? board : { ...board, live_metrics: next };
      });
    },
    dispose() {},
  };
}
