import type { SessionLive } from '@claudelens/protocol';
import { useEffect } from 'react';
import { navigate } from '../../app/router';
import { StatusDot } from '../../components/StatusDot';
import { ApiError } from '../../lib/api-client';
import { When } from '../../components/When';
import { formatDateTime, projectName } from '../../lib/format';
import { useSessionList } from '../sessions/useSessionList';
import { Conversation } from './components/Conversation';
import { CostNotes } from './components/CostNotes';
import { LiveMessageFeed } from './components/LiveMessageFeed';
import { LiveStatCards } from './components/LiveStatCards';
import { SessionBreakdown } from './components/SessionBreakdown';
import { SessionSelector } from './components/SessionSelector';
import { useSessionChannels, useSessionLive } from './hooks/useSessionLive';

const selectHeader = (s: SessionLive) => s;

function SessionHeader({ sessionId }: { sessionId: string }) {
  const { data: session, error } = useSessionLive(sessionId, selectHeader);
  if (error instanceof ApiError && error.status === 404) return <p className="empty">No session {sessionId}: the server has never seen it.</p>;
  return (
    <section className="session-summary" aria-label="Session">
      {session && <StatusDot status={session.status} />}
      <div>
        <div className="session-title" title={session?.project ?? undefined}>
          {session ? projectName(session.project) : '…'} <code className="session-id-full">{sessionId}</code>
        </div>
        <div className="session-meta">
          <span className="session-status">{session?.status ?? ''}</span>
          <span>started {formatDateTime(session?.started_at)}</span>
          <span>
            last activity <When iso={session?.last_activity} />
          </span>
          {session && session.models.length > 0 && <span>{session.models.join(', ')}</span>}
        </div>
      </div>
    </section>
  );
}

function SessionView({ sessionId }: { sessionId: string }) {
  const channelPaths = useSessionChannels(sessionId);
  return (
    <>
      <SessionHeader sessionId={sessionId} />
      <CostNotes sessionId={sessionId} />
      <LiveStatCards sessionId={sessionId} channelPaths={channelPaths} />
      <SessionBreakdown sessionId={sessionId} />
      <div className="session-columns">
        <LiveMessageFeed sessionId={sessionId} />
        <Conversation sessionId={sessionId} />
      </div>
    </>
  );
}

/** With no session chosen: the most recent one. */
function MostRecent() {
  const { sessions, isPending } = useSessionList({});
  const first = sessions[0]?.sessionId;
  useEffect(() => {
    if (first) navigate(`/sessions/${encodeURIComponent(first)}`, { replace: true });
  }, [first]);
  return <p className="empty">{isPending ? 'Loading…' : 'No session yet.'}</p>;
}

/** Spec 000's session analytics: selector, live stat cards, the live feed and the whole conversation. */
export function SessionPage({ sessionId }: { sessionId: string | null }) {
  return (
    <div className="page session-page">
      <div className="page-head">
        <h1 className="page-title" tabIndex={-1}>
          Session analytics
        </h1>
        <SessionSelector currentId={sessionId} />
      </div>
      {sessionId ? <SessionView key={sessionId} sessionId={sessionId} /> : <MostRecent />}
    </div>
  );
}
