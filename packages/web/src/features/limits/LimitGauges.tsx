import type { BlockEstimate, LimitWindow } from '@claudelens/protocol';
import { formatClock, formatCost, formatTokens } from '../../lib/format';
import { useNow } from '../../lib/clock';
import { useUsageLimits } from './useUsageLimits';
import './limits.css';

const WINDOWS = [
  { key: 'five_hour', label: '5-hour limit' },
  { key: 'seven_day', label: '7-day limit' },
] as const;

/**
 * The plan's 5-hour and 7-day limits as the status line reports them (docs/limits.md): used share,
 * a mark where an even pace would be, ahead or behind, and when the limit is reached at this
 * burn. Without status-line data, the transcripts' current 5-hour block, labelled an estimate.
 */
export function LimitGauges() {
  const { data } = useUsageLimits();
  const now = useNow();
  if (!data) return null;
  const reported = WINDOWS.filter(({ key }) => data[key] !== null);
  if (reported.length === 0 && !data.estimate) return null;
  return (
    <section className="limit-gauges" aria-label="Plan limits">
      {reported.map(({ key, label }) => (
        <LimitGauge key={key} name={key} label={label} window={data[key] as LimitWindow} now={now} />
      ))}
      {reported.length === 0 && data.estimate && <BlockEstimateCard block={data.estimate} now={now} />}
    </section>
  );
}

function LimitGauge({ name, label, window, now }: { name: string; label: string; window: LimitWindow; now: number }) {
  const used = Math.min(100, window.used_percentage);
  const level = window.used_percentage >= 80 ? 'high' : window.used_percentage >= 50 ? 'mid' : 'low';
  const resets = Date.parse(window.resets_at);
  const weekly = window.window_seconds > 86_400;
  const full = window.projected_full_at ? Date.parse(window.projected_full_at) : null;
  return (
    <div className={`stat-card limit-gauge ${name} level-${level}`} data-used={window.used_percentage} data-pace={window.pace.state}>
      <div className="stat-label">{label}</div>
      <div className="limit-value">{Math.round(window.used_percentage)}%</div>
      <div
        className="limit-bar"
        role="meter"
        aria-label={`${label} used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(used)}
      >
        <div className="limit-fill" style={{ width: `${used}%` }} />
        <div className="limit-pace-mark" style={{ left: `${window.pace.elapsed_share * 100}%` }} title="an even pace would be here" />
      </div>
      <div className={`limit-pace ${window.pace.state}`}>
        {window.pace.state === 'ahead' ? 'ahead of pace' : 'behind pace'}
        {window.pace.ratio !== null && ` (${window.pace.ratio.toFixed(1)}×)`}
      </div>
      <div className="stat-hint">
        resets {when(resets, weekly)}
        {full !== null && window.full_before_reset ? (
          <span className="limit-time-to-full"> · limit in {duration(full - now)}</span>
        ) : (
          <span className="limit-time-to-full"> · not reached before reset</span>
        )}
      </div>
    </div>
  );
}

function BlockEstimateCard({ block, now }: { block: BlockEstimate; now: number }) {
  return (
    <div className="stat-card limit-gauge block-estimate" data-cost={block.cost_usd}>
      <div className="stat-label">
        5-hour block <span className="limit-estimate-badge">estimate</span>
      </div>
      <div className="limit-value">{formatCost(block.cost_usd)}</div>
      <div className="stat-hint">
        {formatCost(block.burn_rate.cost_per_hour)}/h · {formatTokens(block.tokens)} tokens · ends {formatClock(Date.parse(block.end))} (in {duration(Date.parse(block.end) - now)})
      </div>
      <div className="stat-hint">
        projected {formatCost(block.projection.cost_usd)} · {formatTokens(block.projection.tokens)} tokens by the end; from the transcripts, no status-line data
      </div>
    </div>
  );
}

function when(ms: number, withDay: boolean): string {
  const day = new Date(ms).toLocaleDateString(undefined, { weekday: 'short' });
  return withDay ? `${day} ${formatClock(ms)}` : formatClock(ms);
}

/** "45m", "3h 10m", "2d 4h". */
function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
