import type { LiveActivity, MetricsChannelEvent } from '@claudelens/protocol';
import type { LiveSync } from '../../app/liveBindings';
import type { Services } from '../../app/services';
import { queryKeys } from '../../lib/queryKeys';

/** /ws/metrics-updates into the cache: the board's rates, and the current cost pace that only this channel has. */
export function createMetricsSync({ queryClient }: Services): LiveSync<MetricsChannelEvent> {
  return {
    apply(events) {
      let last = null;
      for (const event of events) if (event.type === 'metric_update') last = event.data.metric_updates;
      if (!last) return;
      const { active_sessions, messages_per_minute, current_cost_rate } = last;
      queryClient.setQueryData(queryKeys.liveCostRate, current_cost_rate);
      queryClient.setQueryData<LiveActivity>(queryKeys.liveActivity, (board) => {
        if (!board) return board;
        const m = board.live_metrics;
        if (m.active_sessions === active_sessions && m.messages_per_minute === messages_per_minute) return board;
        return { ...board, live_metrics: { ...m, active_sessions, messages_per_minute } };
      });
    },
    dispose() {},
  };
}
