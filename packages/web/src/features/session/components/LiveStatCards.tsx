import type { SessionLive } from '@claudelens/protocol';
import { ConnectionIndicator } from '../../../components/ConnectionIndicator';
import { StatCard } from '../../../components/StatCard';
import { useNow } from '../../../lib/clock';
import { formatCost, formatCount, formatTokens, formatWhen } from '../../../lib/format';
import { useSessionLive, useSessionStats } from '../hooks/useSessionLive';

const selectEnded = (session: SessionLive) => session.status === 'ended';
const selectLast = (session: SessionLive) => session.last_activity;

function EndedBadge({ sessionId }: { sessionId: string }) {
  const { data: last } = useSessionLive(sessionId, selectLast);
  const now = useNow();
  return (
    <div className="connection-status" role="status" data-state="ended" title="This session has ended; its figures are the store's">
      <span className="status-dot ended" aria-hidden="true" />
      <span className="status-text">Ended{last ? ` · last activity ${formatWhen(last, now)}` : ''}</span>
    </div>
  );
}

/** Spec 000's stat cards, fed by /ws/stats/{id}, with the session's connection status in the corner. */
export function LiveStatCards({ sessionId, channelPaths }: { sessionId: string; channelPaths: string[] }) {
  const { data: stats } = useSessionStats(sessionId);
  const { data: ended = false } = useSessionLive(sessionId, selectEnded);
  return (
    <section className="stat-cards" aria-label="Session stats">
      {/* An ended session is not live, however well its sockets are connected: it says so, and since when. */}
      {ended ? <EndedBadge sessionId={sessionId} /> : <ConnectionIndicator paths={channelPaths} />}
      <StatCard className="messages" testId="session-messages" label="Messages" value={stats?.messages.value} text={stats?.messages.formatted_value} format={formatCount} />
      <StatCard className="tools" testId="session-tools" label="Tools Used" value={stats?.tools.value} text={stats?.tools.formatted_value} format={formatCount} />
      <StatCard className="tokens" testId="session-tokens" label="Tokens" value={stats?.tokens.value} text={stats?.tokens.formatted_value} format={formatTokens} />
      <StatCard className="cost" testId="session-cost" label="Cost" value={stats?.cost.value} text={stats?.cost.formatted_value} format={formatCost} />
    </section>
  );
}
