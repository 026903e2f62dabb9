import type { UsageWindow } from '@claudelens/protocol';
import { useQuery } from '@tanstack/react-query';
import { Link } from '../../../app/router';
import { useServices } from '../../../app/services';
import { When } from '../../../components/When';
import { useNow } from '../../../lib/clock';
import { formatAgo, formatCost, formatDateTime, formatTokens, projectName, shortId } from '../../../lib/format';
import { queryKeys } from '../../../lib/queryKeys';

const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** "12s ago", "3h ago", "232d ago": the card's figure; the date goes below it. */
function Ago({ iso }: { iso: string | null }) {
  const now = useNow();
  return <time dateTime={iso ?? undefined}>{formatAgo(iso, now)}</time>;
}
const RECENT = 5;

function Spent({ label, window, testId }: { label: string; window: UsageWindow | undefined; testId: string }) {
  return (
    <div className="stat-card overview-window" data-testid={testId} data-since={window?.since ?? ''}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-value={window?.cost ?? ''}>
        {window ? formatCost(window.cost) : '—'}
      </div>
      <div className="stat-hint" data-value={window?.tokens ?? ''}>
        {window ? `${formatTokens(window.tokens)} tokens · ${window.sessions} session${window.sessions === 1 ? '' : 's'}` : ''}
      </div>
    </div>
  );
}

/**
 * What the Live page says between sessions (most of the time): today's and this week's spending
 * in the browser's time zone, when the last activity was, and the last sessions with their cost.
 * An empty store says which claude folders the server reads, and how to see the dashboard work.
 * It follows the activity stream (activitySync reads it again after new lines) and the hour.
 */
export function Overview() {
  const { api } = useServices();
  const { data: summary } = useQuery({ queryKey: queryKeys.summary(TZ), queryFn: () => api.summary(TZ), staleTime: 1_000, refetchInterval: 60_000 });
  // Its own few sessions (not the lists' pages of 100), read again with the summary.
  const { data: page, isPending } = useQuery({ queryKey: queryKeys.recentSessions, queryFn: () => api.sessions({ limit: RECENT }), staleTime: 1_000, refetchInterval: 60_000 });
  const sessions = page?.sessions ?? [];
  const recent = sessions;
  const empty = summary !== undefined && !isPending && sessions.length === 0;
  // A server still reading what is on disk has no sessions yet: that is not an empty folder.
  const { data: phase } = useQuery({ queryKey: ['health', 'phase'], queryFn: () => api.phase(), enabled: empty, refetchInterval: (q) => (q.state.data === 'backfilling' ? 1000 : false) });
  if (empty && phase === 'backfilling') {
    return (
      <section className="panel overview overview-empty" aria-label="Reading transcripts" data-testid="overview-reading">
        <p>Reading the transcripts already on disk; the figures appear as soon as they are stored.</p>
      </section>
    );
  }
  if (empty && phase !== undefined) {
    return (
      <section className="panel overview overview-empty" aria-label="No transcripts yet" data-testid="overview-empty">
        <h2>No Claude Code transcripts yet</h2>
        <p>
          ClaudeLens looked in {summary.claude_dirs.length > 0 ? summary.claude_dirs.map((d, i) => <code key={d}>{i > 0 ? ', ' : ''}{d}/projects</code>) : 'no folder'} and found no session. Sessions
          appear here as soon as Claude Code writes a transcript there; another folder is <code>--claude-dir DIR</code>.
        </p>
        <p>
          To see the dashboard at work now, run <code>npm run demo</code>: it replays the bundled real transcripts as live sessions.
        </p>
      </section>
    );
  }
  return (
    <section className="overview" aria-label="Today and this week">
      <div className="overview-cards">
        <Spent label="Today" window={summary?.today} testId="overview-today" />
        <Spent label="This week" window={summary?.this_week} testId="overview-week" />
        <div className="stat-card overview-last" data-testid="overview-last-activity" data-value={summary?.last_activity ?? ''}>
          <div className="stat-label">Last activity</div>
          <div className="stat-value">{summary ? <Ago iso={summary.last_activity} /> : '—'}</div>
          <div className="stat-hint">{summary?.last_activity ? formatDateTime(summary.last_activity) : 'nothing stored yet'}</div>
        </div>
      </div>
      {recent.length > 0 && (
        <div className="panel overview-recent">
          <h2>Last sessions</h2>
          <ul>
            {recent.map((s) => (
              <li key={s.sessionId} data-session={s.sessionId} data-cost={s.totalCost}>
                <Link to={`/sessions/${encodeURIComponent(s.sessionId)}`} title={s.projectPath ?? undefined}>
                  {projectName(s.projectPath)} <span className="muted">{shortId(s.sessionId)}</span>
                </Link>
                <span className="muted">
                  <When iso={s.lastActivity} />
                </span>
                <span className="num">{formatCost(s.totalCost)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
