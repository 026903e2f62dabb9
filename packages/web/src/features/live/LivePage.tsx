import { ActiveSessionsGrid } from './components/ActiveSessionsGrid';
import { ActivityFeed } from './components/ActivityFeed';
import { ActivitySparklines } from './components/ActivitySparklines';
import { LiveMetrics } from './components/LiveMetrics';
import { Overview } from './components/Overview';
import { useActivityChannel, useMetricsChannel } from './hooks/useLiveBoard';
import { LimitGauges } from '../limits/LimitGauges';

/** Spec 001's activity monitor, the landing page; above it, today and this week (what it shows when nothing is live). */
export function LivePage() {
  useActivityChannel();
  useMetricsChannel();
  return (
    <div className="page live-page">
      <h1 className="page-title" tabIndex={-1}>
        Live activity
      </h1>
      <Overview />
      <LiveMetrics />
      <LimitGauges />
      <ActivitySparklines />
      <div className="live-columns">
        <ActiveSessionsGrid />
        <ActivityFeed />
      </div>
    </div>
  );
}
