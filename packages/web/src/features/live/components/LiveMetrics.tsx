import type { LiveActivity } from '@claudelens/protocol';
import { StatCard } from '../../../components/StatCard';
import { formatCost, formatCount, projectName } from '../../../lib/format';
import { useCostRate, useLiveBoard } from '../hooks/useLiveBoard';

const selectMetrics = (board: LiveActivity) => board.live_metrics;
const formatRate = (v: number) => `${formatCost(v)}/h`;
const PROJECTS_SHOWN = 6;

/**
 * Spec 001's metric cards, each with one definition (docs/api.md, Rates) that its hint names:
 * all follow /ws/metrics-updates.
 */
export function LiveMetrics() {
  const { data: metrics } = useLiveBoard(selectMetrics);
  const rate = useCostRate();
  const projects = metrics?.active_projects ?? [];
  return (
    <section className="live-metrics" aria-label="Live metrics">
      <StatCard className="metric active-sessions" testId="live-active-sessions" label="Active sessions" value={metrics?.active_sessions} format={formatCount} hint="not ended" />
      <StatCard className="metric messages-rate" testId="live-messages-per-minute" label="Messages / min" value={metrics?.messages_per_minute} format={formatCount} hint="in the last 60 s" />
      <StatCard className="metric cost-rate" testId="live-cost-rate" label="Cost rate" value={rate} format={formatRate} hint="last 60 s × 60" />
      <StatCard className="metric cost-hour" testId="live-cost-last-hour" label="Cost, last hour" value={metrics?.cost_per_hour_rate} format={formatCost} hint="spent in the last 60 min" />
      <div className="stat-card metric projects" data-testid="live-active-projects" data-value={projects.join('\n')}>
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
