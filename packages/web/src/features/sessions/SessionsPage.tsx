import type { SessionStatus, SessionWithStatus } from '@claudelens/protocol';
import { useMemo, useState } from 'react';
import { Link, navigate, useLocation } from '../../app/router';
import { SortHeader } from '../../components/SortHeader';
import { When } from '../../components/When';
import { StatusDot } from '../../components/StatusDot';
import { formatCost, formatCount, formatTokens, projectName, shortId } from '../../lib/format';
import { nextSort, sortRows, type SortState } from '../../lib/sort';
import { useSessionList } from './useSessionList';

type Column = 'status' | 'project' | 'lastActivity' | 'messages' | 'tools' | 'tokens' | 'cost';
const STATUSES: SessionStatus[] = ['active', 'thinking', 'idle', 'ended'];

const tokensOf = (s: SessionWithStatus) => s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens;
const VALUE: Record<Column, (s: SessionWithStatus) => string | number | null> = {
  status: (s) => s.status,
  project: (s) => s.projectPath,
  lastActivity: (s) => s.lastActivity,
  messages: (s) => s.messageCount,
  tools: (s) => s.toolUseCount,
  tokens: tokensOf,
  cost: (s) => s.totalCost,
};

/** Every session the store holds, most recent first, with totals; sortable; filtered by project and status. */
export function SessionsPage() {
  const { query } = useLocation();
  const project = query.get('project') ?? undefined;
  const statusParam = query.get('status');
  const status = STATUSES.find((s) => s === statusParam);
  const list = useSessionList({ project, status });
  const [sort, setSort] = useState<SortState<Column>>({ key: 'lastActivity', direction: 'desc' });
  const rows = useMemo(() => sortRows(list.sessions, sort, (s, key) => VALUE[key](s)), [list.sessions, sort]);
  const totals = useMemo(
    () => list.sessions.reduce((t, s) => ({ messages: t.messages + s.messageCount, tools: t.tools + s.toolUseCount, tokens: t.tokens + tokensOf(s), cost: t.cost + s.totalCost }), { messages: 0, tools: 0, tokens: 0, cost: 0 }),
    [list.sessions],
  );
  const onSort = (column: Column) => setSort((old) => nextSort(old, column));
  const setStatus = (value: string) => {
    const params = new URLSearchParams(query);
    if (value) params.set('status', value);
    else params.delete('status');
    navigate(`/sessions${params.size ? `?${params}` : ''}`);
  };

  return (
    <div className="page sessions-page">
      <div className="page-head">
        <h1 className="page-title" tabIndex={-1}>
          Sessions
        </h1>
        <div className="filters">
          {project && (
            <span className="filter-chip">
              project <strong title={project}>{projectName(project)}</strong>
              <Link to={status ? `/sessions?status=${status}` : '/sessions'} aria-label="Clear the project filter">
                ×
              </Link>
            </span>
          )}
          <label className="inline-field">
            Status
            <select value={status ?? ''} onChange={(e) => setStatus(e.target.value)}>
              <option value="">all</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <div className="panel table-panel">
        <table className="data-table">
          <thead>
            <tr>
              <SortHeader label="Status" column="status" sort={sort} onSort={onSort} />
              <SortHeader label="Project" column="project" sort={sort} onSort={onSort} />
              <th scope="col">Session</th>
              <SortHeader label="Last activity" column="lastActivity" sort={sort} onSort={onSort} />
              <SortHeader label="Messages" column="messages" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Tools" column="tools" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Tokens" column="tokens" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Cost" column="cost" sort={sort} onSort={onSort} numeric />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.sessionId} data-testid="session-row" data-session={s.sessionId} data-messages={s.messageCount} data-tools={s.toolUseCount} data-tokens={tokensOf(s)} data-cost={s.totalCost}>
                <td>
                  <StatusDot status={s.status} /> {s.status}
                </td>
                <td title={s.projectPath ?? undefined}>{projectName(s.projectPath)}</td>
                <td>
                  <Link to={`/sessions/${encodeURIComponent(s.sessionId)}`}>{shortId(s.sessionId)}</Link>
                </td>
                <td>
                  <When iso={s.lastActivity} />
                </td>
                <td className="num">{formatCount(s.messageCount)}</td>
                <td className="num">{formatCount(s.toolUseCount)}</td>
                <td className="num">{formatTokens(tokensOf(s))}</td>
                <td className="num">{formatCost(s.totalCost)}{s.unpricedModels.length > 0 && <span title={`not priced: ${s.unpricedModels.join(', ')}`}>*</span>}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                Total of {formatCount(list.sessions.length)} sessions{list.hasNextPage ? ' loaded' : ''}
              </th>
              <td className="num">{formatCount(totals.messages)}</td>
              <td className="num">{formatCount(totals.tools)}</td>
              <td className="num">{formatTokens(totals.tokens)}</td>
              <td className="num">{formatCost(totals.cost)}</td>
            </tr>
          </tfoot>
        </table>
        {list.isPending && <p className="empty">Loading…</p>}
        {list.isError && <p className="empty">Could not load sessions: {list.error.message}</p>}
        {list.hasNextPage && (
          <button type="button" className="load-more" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </div>
  );
}
