import type { LiveActivity } from '@claudelens/protocol';
import { StatCard } from '../../../components/StatCard';
import { formatCost, formatCount, projectName } from '../../../lib/format';
import { useCostRate, useLiveBoard } from '../hooks/useLiveBoard';

const selectMetrics = (board: LiveActivity) => board.live_metrics;
const formatRate = (v: number) => `${formatCost(v)}/h`;
const PROJECTS_SHOWN = 6;

/** Spec 001's metric cards: active sessions, messages per minute, the cost pace and the last hour's cost. */
export function LiveMetrics() {
  const { data: metrics } = useLiveBoard(selectMetrics);
  const rate = useCostRate();
  const projects = metrics?.active_projects ?? [];
  return (
    <section className="live-metrics" aria-label="Live metrics">
      <StatCard className="metric active-sessions" label="Active sessions" value={metrics?.active_sessions} format={formatCount} />
      <StatCard className="metric messages-rate" label="Messages / min" value={metrics?.messages_per_minute} format={formatCount} />
      <StatCard className="metric cost-rate" label="Cost rate" value={rate} format={formatRate} hint="at this minute's pace" />
      <StatCard className="metric cost-hour" label="Cost, last hour" value={metrics?.cost_per_hour_rate} format={formatCost} />
      <div className="stat-card metric projects">
        <div className="stat-label">Active projects</div>
        {projects.length === 0 ? (
          <div className="stat-hint">none</div>
        ) : (
          <ul className="project-chips">
            {projects.slice(0, PROJECTS_SHOWN).map((p) => (
              <li key={p} title={p}>
                {projectName(p)}
              </li>
            ))}
            {projects.length > PROJECTS_SHOWN && <li className="more">+{projects.length - PROJECTS_SHOWN}</li>}
          </ul>
        )}
      </div>
    </section>
  );
}
