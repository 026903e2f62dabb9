import type { ProjectSummary } from '@claudelens/protocol';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from '../../app/router';
import { usePollInterval, useServices } from '../../app/services';
import { useActivityChannel } from '../live/hooks/useLiveBoard';
import { SortHeader } from '../../components/SortHeader';
import { When } from '../../components/When';
import { formatCost, formatCount, formatTokens, projectName } from '../../lib/format';
import { queryKeys } from '../../lib/queryKeys';
import { nextSort, sortRows, type SortState } from '../../lib/sort';

type Column = 'path' | 'sessions' | 'messages' | 'tokens' | 'cost' | 'last_activity';

/** Every project with the totals of its sessions (GET /api/v1/projects); sortable. */
export function ProjectsPage() {
  const { api } = useServices();
  // Follows the live stream: the activity sync reads the list again within a second of new lines.
  useActivityChannel();
  const refetchInterval = usePollInterval();
  const { data, isPending, isError, error } = useQuery({ queryKey: queryKeys.projects, queryFn: api.projects, staleTime: 10_000, refetchInterval });
  const projects = useMemo(() => data?.projects ?? [], [data]);
  const [sort, setSort] = useState<SortState<Column>>({ key: 'last_activity', direction: 'desc' });
  const rows = useMemo(() => sortRows(projects, sort, (p: ProjectSummary, key) => p[key]), [projects, sort]);
  const totals = useMemo(
    () => projects.reduce((t, p) => ({ sessions: t.sessions + p.sessions, messages: t.messages + p.messages, tokens: t.tokens + p.tokens, cost: t.cost + p.cost }), { sessions: 0, messages: 0, tokens: 0, cost: 0 }),
    [projects],
  );
  const onSort = (column: Column) => setSort((old) => nextSort(old, column));
  return (
    <div className="page projects-page">
      <div className="page-head">
        <h1 className="page-title" tabIndex={-1}>
          Projects
        </h1>
      </div>
      <div className="panel table-panel">
        <table className="data-table">
          <thead>
            <tr>
              <SortHeader label="Project" column="path" sort={sort} onSort={onSort} />
              <SortHeader label="Sessions" column="sessions" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Messages" column="messages" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Tokens" column="tokens" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Cost" column="cost" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Last activity" column="last_activity" sort={sort} onSort={onSort} />
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.path} data-testid="project-row" data-project={p.path} data-sessions={p.sessions} data-messages={p.messages} data-tokens={p.tokens} data-cost={p.cost}>
                <td>
                  <Link to={`/sessions?project=${encodeURIComponent(p.path)}`} title={p.path}>
                    {projectName(p.path)}
                  </Link>
                  <div className="muted small">{p.path}</div>
                </td>
                <td className="num">{formatCount(p.sessions)}</td>
                <td className="num">{formatCount(p.messages)}</td>
                <td className="num">{formatTokens(p.tokens)}</td>
                <td className="num">{formatCost(p.cost)}</td>
                <td>
                  <When iso={p.last_activity} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total of {formatCount(projects.length)} projects</th>
              <td className="num">{formatCount(totals.sessions)}</td>
              <td className="num">{formatCount(totals.messages)}</td>
              <td className="num">{formatTokens(totals.tokens)}</td>
              <td className="num">{formatCost(totals.cost)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
        {isPending && <p className="empty">Loading…</p>}
        {isError && <p className="empty">Could not load projects: {error.message}</p>}
      </div>
    </div>
  );
}
