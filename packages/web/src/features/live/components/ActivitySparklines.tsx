import { Sparkline } from '../../../components/Sparkline';
import { formatCount, formatSmallCost, formatTokens } from '../../../lib/format';
import { useSeries } from '../hooks/useLiveBoard';

type Kind = 'messages' | 'cost' | 'tokens';

function SparkCard({ kind, label, values, end, format }: { kind: Kind; label: string; values: number[] | undefined; end: string | undefined; format: (v: number) => string }) {
  const latest = values?.at(-1) ?? 0;
  const peak = values?.reduce((m, v) => Math.max(m, v), 0) ?? 0;
  const sum = values?.reduce((m, v) => m + v, 0);
  return (
    // data-values: the raw per-minute amounts, oldest first, the last ending at data-end; data-sum: the hour's (the reconciliation test reads them).
    <figure className={`spark-card ${kind}`} data-testid={`series-${kind}`} data-values={values?.join(',') ?? ''} data-end={end ?? ''} data-sum={sum ?? ''}>
      <figcaption>
        <span className="spark-label">{label}</span>
        <span className="spark-value" title="in the last 60 s">
          {values ? format(latest) : '—'}
        </span>
      </figcaption>
      <Sparkline values={values ?? []} label={`${label} over the last hour; last 60 s ${format(latest)}, peak ${format(peak)}`} />
      <div className="spark-axis">
        <span>−60 min</span>
        <span>peak {format(peak)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}

/**
 * Spec 001's trend lines: amounts per minute over the last hour (GET /api/v1/analytics/series),
 * each point the 60 s ending there; the figure beside the label is the last 60 s. Cost is in
 * dollars per minute, not per hour: the Cost rate card is the one hourly pace.
 */
export function ActivitySparklines() {
  const { data } = useSeries();
  return (
    <section className="sparklines" aria-label="Trends over the last hour, per minute">
      <SparkCard kind="messages" label="Messages per minute" values={data?.messages} end={data?.end} format={formatCount} />
      <SparkCard kind="cost" label="Cost per minute" values={data?.cost} end={data?.end} format={formatSmallCost} />
      <SparkCard kind="tokens" label="Tokens per minute" values={data?.tokens} end={data?.end} format={formatTokens} />
    </section>
  );
}
