import './usage.css';
import type { UsageResponse, UsageSlice } from '@claudelens/protocol';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, navigate, useLocation } from '../../app/router';
import { usePollInterval, useServices } from '../../app/services';
import { formatCost, formatCount, formatTokens, projectName, shortId } from '../../lib/format';
import { queryKeys } from '../../lib/queryKeys';
import { LimitGauges } from '../limits/LimitGauges';
import { useActivityChannel } from '../live/hooks/useLiveBoard';
import { BlocksPanel } from './BlocksPanel';
import { layerColors, OTHER, stackKeys, type StackBy } from './stackByModel';
import { downloadText, usageCsv } from './usageCsv';
import { customDates, isRangeKey, RANGES, rangeDates, type RangeKey } from './usageRange';
import { useToday } from './useToday';

const CostChart = lazy(() => import('./CostChart'));
/** Without a socket (polling), the page asks again this often; with one it follows the stream (usageFollow.ts). */
const POLL_MS = 10_000;
/** Rows of each top list. */
const TOP = 8;

/** What was spent over a range, per day (per month for all time), by model, project, session, agent and tool. */
export function UsagePage() {
  const { api } = useServices();
  // While a session runs its cost grows: the activity stream's new lines read the range again.
  useActivityChannel();
  const refetchInterval = usePollInterval(POLL_MS);
  const { query } = useLocation();
  const range: RangeKey = isRangeKey(query.get('range')) ? (query.get('range') as RangeKey) : '7d';
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const custom = range === 'custom' ? customDates(query.get('from'), query.get('to')) : null;
  const group = range === 'all' ? 'month' : 'day';
  const [customFrom, customTo] = [custom?.from, custom?.to];
  const today = useToday(tz);
  const dates = useMemo(() => (customFrom && customTo ? { from: customFrom, to: customTo } : rangeDates(range, today)), [range, today, customFrom, customTo]);
  const params = { ...dates, tz, group } as const;
  const { data, isPending, isError, error } = useQuery({ queryKey: queryKeys.usage(params), queryFn: () => api.usage(params), refetchInterval });
  const blockParams = { ...dates, tz, group: 'block' } as const;
  const blocks = useQuery({ queryKey: queryKeys.usage(blockParams), queryFn: () => api.usage(blockParams), refetchInterval });

  return (
    <div className="page usage-page">
      <div className="page-head">
        <h1 className="page-title" tabIndex={-1}>
          Usage
        </h1>
        <div className="usage-ranges" role="group" aria-label="Range">
          {RANGES.map((r) => (
            <button key={r.key} type="button" className={r.key === range ? 'primary' : 'ghost'} aria-pressed={r.key === range} onClick={() => navigate(r.key === 'custom' ? customUrl(dates.from ?? today, dates.to ?? today) : `/usage?range=${r.key}`, { replace: true })}>
              {r.label}
            </button>
          ))}
          <button type="button" className="ghost" disabled={!data} onClick={() => data && downloadText(usageCsv(data), `claudelens-usage-${range}.csv`)}>
            Download CSV
          </button>
        </div>
      </div>
      {range === 'custom' && (
        <div className="usage-custom">
          <label>
            From <input type="date" value={dates.from ?? ''} max={dates.to} onChange={(e) => e.target.value && navigate(customUrl(e.target.value, dates.to ?? e.target.value), { replace: true })} />
          </label>
          <label>
            to <input type="date" value={dates.to ?? ''} min={dates.from} onChange={(e) => e.target.value && navigate(customUrl(dates.from ?? e.target.value, e.target.value), { replace: true })} />
          </label>
        </div>
      )}
      <LimitGauges />
      {isPending && <p className="empty">Loading…</p>}
      {isError && <p className="empty">Could not load usage: {error.message}</p>}
      {data && <UsageBody usage={data} />}
      {blocks.data && <BlocksPanel blocks={blocks.data.blocks} timeZone={tz} />}
    </div>
  );
}

function UsageBody({ usage }: { usage: UsageResponse }) {
  const t = usage.totals;
  const [by, setBy] = useState<StackBy>('models');
  const keys = useMemo(() => stackKeys(usage.breakdowns[by]), [usage, by]);
  const colors = useMemo(() => layerColors(keys), [keys]);
  const kinds = [
    ['Input', 'input', t.inputTokens],
    ['Output', 'output', t.outputTokens],
    ['Cache write', 'cache-write', t.cacheCreationTokens],
    ['Cache read', 'cache-read', t.cacheReadTokens],
  ] as const;
  return (
    <>
      <p className="muted small">
        {usage.from ? `${usage.from} to ${usage.to}` : 'All recorded history'}, dates in {usage.tz}
      </p>
      {t.unpricedModels.length > 0 && (
        <p className="usage-warning" role="alert">
          No price for {t.unpricedModels.join(', ')}: their requests count as $0 here.
        </p>
      )}
      <div className="stat-grid usage-totals">
        <Figure label="Cost" value={formatCost(t.cost)} raw={t.cost} testId="usage-cost" />
        <Figure label="Tokens" value={formatTokens(t.totalTokens)} raw={t.totalTokens} testId="usage-tokens" />
        <Figure label="Requests" value={formatCount(t.requests)} raw={t.requests} testId="usage-requests" />
        <Figure label="Cache hit ratio" value={t.cacheHitRatio === null ? '–' : `${(t.cacheHitRatio * 100).toFixed(1)}%`} raw={t.cacheHitRatio} testId="usage-cache-hit" />
      </div>
      <section className="panel">
        <div className="panel-head">
          <h2>
            Cost per {usage.group === 'month' ? 'month' : 'day'}, by {by === 'models' ? 'model' : 'project'}
          </h2>
          <div className="usage-ranges" role="group" aria-label="Stack by">
            {(['models', 'projects'] as const).map((key) => (
              <button key={key} type="button" className="ghost" aria-pressed={by === key} onClick={() => setBy(key)}>
                {key === 'models' ? 'Models' : 'Projects'}
              </button>
            ))}
          </div>
        </div>
        {/* The raw figures the chart draws, for the reconciliation test (packages/web/test/figures.ts). */}
        <div data-testid="usage-periods" data-periods={usage.periods.map((p) => p.period).join('\n')} data-values={usage.periods.map((p) => p.cost).join(',')}>
          <Suspense fallback={<div className="usage-chart" />}>
            <CostChart periods={usage.periods} by={by} keys={keys} colors={colors} />
          </Suspense>
        </div>
        <ul className="usage-legend">
          {keys.map((key) => (
            <li key={key} title={key}>
              <span className="swatch" style={{ background: colors.get(key) }} aria-hidden="true" />
              {key === OTHER || by === 'models' ? key : projectName(key)} <span className="muted">{formatCost(legendCost(usage.breakdowns[by], keys, key))}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Tokens by kind</h2>
        </div>
        <table className="data-table">
          <tbody>
            {kinds.map(([label, kind, n]) => (
              <tr key={label} data-testid={`usage-tokens-${kind}`} data-value={n}>
                <th scope="row">{label}</th>
                <td className="num">{formatTokens(n)}</td>
                <td className="num muted">{t.totalTokens > 0 ? `${((n / t.totalTokens) * 100).toFixed(1)}%` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="usage-tops">
        <Top title="Models" testId="usage-top-models" slices={usage.breakdowns.models} />
        <Top title="Projects" testId="usage-top-projects" slices={usage.breakdowns.projects} name={(s) => projectName(s.key)} />
        <Top title="Sessions" testId="usage-top-sessions" slices={usage.breakdowns.sessions} name={(s) => <Link to={`/sessions/${encodeURIComponent(s.key)}`}>{shortId(s.key)}</Link>} />
        <Top title="Agents" testId="usage-top-agents" slices={usage.breakdowns.agents} name={(s) => (s.key === 'main' ? 'main threads' : `subagent ${s.key.length > 12 ? shortId(s.key) : s.key}`)} />
        <Top title="Subagent types" testId="usage-top-subagent-types" slices={usage.breakdowns.subagentTypes} name={(s) => (s.key === 'main' ? 'main threads' : s.key)} />
        <Top title="Tools (cost shared among a response's tool calls)" testId="usage-top-tools" slices={usage.breakdowns.tools} />
      </div>
    </>
  );
}

function customUrl(from: string, to: string): string {
  return `/usage?range=custom&from=${from}&to=${from > to ? from : to}`;
}

/** A layer's cost over the range; OTHER's is everything past the named layers. */
function legendCost(slices: UsageSlice[], keys: string[], key: string): number {
  return slices.filter((s) => (key === OTHER ? !keys.includes(s.key) : s.key === key)).reduce((n, s) => n + s.cost, 0);
}

function Figure({ label, value, raw, testId }: { label: string; value: string; raw: number | null; testId: string }) {
  return (
    <div className="stat-card">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId} data-value={raw ?? ''}>
        {value}
      </div>
    </div>
  );
}

function Top({ title, testId, slices, name }: { title: string; testId: string; slices: UsageSlice[]; name?: (slice: UsageSlice) => React.ReactNode }) {
  const shown = slices.slice(0, TOP);
  return (
    <section className="panel" data-testid={testId} data-keys={shown.map((s) => s.key).join('\n')}>
      <div className="panel-head">
        <h2>{title}</h2>
      </div>
      {slices.length === 0 ? (
        <p className="empty">Nothing in this range.</p>
      ) : (
        <table className="data-table">
          <tbody>
            {shown.map((s) => (
              <tr key={s.key} data-key={s.key} data-cost={s.cost} data-tokens={s.totalTokens}>
                <td title={s.key}>{name ? name(s) : s.key}</td>
                <td className="num">{formatTokens(s.totalTokens)}</td>
                <td className="num">{formatCost(s.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
