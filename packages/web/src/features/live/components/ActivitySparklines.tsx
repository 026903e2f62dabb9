import { useMemo } from 'react';
import { Sparkline } from '../../../components/Sparkline';
import { formatCost, formatCount, formatTokens } from '../../../lib/format';
import { useSeries } from '../hooks/useLiveBoard';

function SparkCard({ label, values, format, className }: { label: string; values: number[] | undefined; format: (v: number) => string; className: string }) {
  const latest = values?.at(-1) ?? 0;
  const peak = values?.reduce((m, v) => Math.max(m, v), 0) ?? 0;
  return (
    <figure className={`spark-card ${className}`}>
      <figcaption>
        <span className="spark-label">{label}</span>
        <span className="spark-value">{values ? format(latest) : '—'}</span>
      </figcaption>
      <Sparkline values={values ?? []} label={`${label} over the last hour, per minute; latest ${format(latest)}, peak ${format(peak)}`} />
      <div className="spark-axis">
        <span>−60 min</span>
        <span>peak {format(peak)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}

/** Spec 001's trend lines over the last hour, per minute (GET /api/v1/analytics/series). */
export function ActivitySparklines() {
  const { data } = useSeries();
  // A minute's cost x 60: dollars per hour at that minute's pace.
  const costPerHour = useMemo(() => data?.cost.map((v) => v * 60), [data]);
  return (
    <section className="sparklines" aria-label="Trends over the last hour">
      <SparkCard className="messages" label="Messages / min" values={data?.messages} format={formatCount} />
      <SparkCard className="cost" label="Cost / hour" values={costPerHour} format={(v) => `${formatCost(v)}/h`} />
      <SparkCard className="tokens" label="Tokens / min" values={data?.tokens} format={formatTokens} />
    </section>
  );
}
