import { ConnectionIndicator } from '../../../components/ConnectionIndicator';
import { StatCard } from '../../../components/StatCard';
import { formatCost, formatCount, formatTokens } from '../../../lib/format';
import { useSessionStats } from '../hooks/useSessionLive';

/** Spec 000's stat cards, fed by /ws/stats/{id}, with the session's connection status in the corner. */
export function LiveStatCards({ sessionId, channelPaths }: { sessionId: string; channelPaths: string[] }) {
  const { data: stats } = useSessionStats(sessionId);
  return (
    <section className="stat-cards" aria-label="Session stats">
      <ConnectionIndicator paths={channelPaths} />
      <StatCard className="messages" testId="session-messages" label="Messages" value={stats?.messages.value} text={stats?.messages.formatted_value} format={formatCount} />
      <StatCard className="tools" testId="session-tools" label="Tools Used" value={stats?.tools.value} text={stats?.tools.formatted_value} format={formatCount} />
      <StatCard className="tokens" testId="session-tokens" label="Tokens" value={stats?.tokens.value} text={stats?.tokens.formatted_value} format={formatTokens} />
      <StatCard className="cost" testId="session-cost" label="Cost" value={stats?.cost.value} text={stats?.cost.formatted_value} format={formatCost} />
    </section>
  );
}
