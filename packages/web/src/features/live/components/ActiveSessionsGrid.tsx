import type { ActiveSession, LiveActivity } from '@claudelens/protocol';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Link } from '../../../app/router';
import { StatusDot } from '../../../components/StatusDot';
import { useNow } from '../../../lib/clock';
import { formatAgo, formatCost, formatCount, projectName, shortId } from '../../../lib/format';
import { sortRows } from '../../../lib/sort';
import { useThrottled } from '../../../lib/useThrottled';
import { useLiveBoard } from '../hooks/useLiveBoard';

const selectSessions = (board: LiveActivity) => board.active_sessions;
const NONE: ActiveSession[] = [];
const CARD_MIN_WIDTH = 230;
const GAP = 12;
const ROW_HEIGHT = 108;
/** Cards change at most this often: counts that move faster than this cannot be read anyway. */
const REDRAW_MS = 250;

type Order = 'started' | 'activity' | 'cost' | 'messages';
const ORDER_VALUE: Record<Order, (s: ActiveSession) => string | number> = {
  started: (s) => s.started_at,
  activity: (s) => s.last_activity,
  cost: (s) => s.current_cost,
  messages: (s) => s.message_count,
};

/** Columns that fit the element's width (a fixed guess where there is no ResizeObserver); a callback ref. */
function useColumns(): [number, (element: HTMLElement | null) => void] {
  const [columns, setColumns] = useState(4);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((element: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!element || typeof ResizeObserver === 'undefined') return;
    observer.current = new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? 0;
      if (width > 0) setColumns(Math.max(1, Math.floor((width + GAP) / (CARD_MIN_WIDTH + GAP))));
    });
    observer.current.observe(element);
  }, []);
  return [columns, ref];
}

const SessionCard = memo(function SessionCard({ session, now }: { session: ActiveSession; now: number }) {
  return (
    <Link className={`session-card status-${session.status}`} to={`/sessions/${encodeURIComponent(session.session_id)}`} data-session={session.session_id} data-messages={session.message_count} data-cost={session.current_cost}>
      <div className="session-card-head">
        <StatusDot status={session.status} />
        <span className="session-project" title={session.project}>
          {projectName(session.project)}
        </span>
        <span className="session-id">{shortId(session.session_id)}</span>
      </div>
      <dl className="session-card-stats">
        <div>
          <dt>Messages</dt>
          <dd className="session-messages">{formatCount(session.message_count)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd className="session-cost">{formatCost(session.current_cost)}</dd>
        </div>
        <div>
          <dt>Last activity</dt>
          <dd>
            <time dateTime={session.last_activity}>{formatAgo(session.last_activity, now)}</time>
          </dd>
        </div>
      </dl>
    </Link>
  );
});

/** Spec 001's grid of sessions that are not ended; virtualised by rows, so a thousand sessions cost a screenful of cards. */
export function ActiveSessionsGrid() {
  const { data: latest = NONE, isPending } = useLiveBoard(selectSessions);
  const sessions = useThrottled(latest, REDRAW_MS);
  const [order, setOrder] = useState<Order>('started');
  const sorted = useMemo(() => sortRows(sessions, { key: order, direction: 'desc' }, (s, key) => ORDER_VALUE[key](s)), [sessions, order]);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [columns, observeWidth] = useColumns();
  const setScrollElement = useCallback(
    (element: HTMLDivElement | null) => {
      scrollRef.current = element;
      observeWidth(element);
    },
    [observeWidth],
  );
  const rows = Math.ceil(sorted.length / columns);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 2, useFlushSync: false, initialRect: { width: 1000, height: 440 } });
  const now = useNow();
  const counts = useMemo(() => {
    const c = { active: 0, thinking: 0, idle: 0 };
    for (const s of sessions) c[s.status]++;
    return c;
  }, [sessions]);

  return (
    <section className="panel sessions-panel" aria-labelledby="active-sessions-title">
      <header className="panel-head">
        <h2 id="active-sessions-title">
          Active sessions <span className="count">{sessions.length}</span>
        </h2>
        <span className="status-counts" aria-label="by status">
          <span><span className="status-dot active" aria-hidden="true" /> {counts.active} active</span>
          <span><span className="status-dot thinking" aria-hidden="true" /> {counts.thinking} thinking</span>
          <span><span className="status-dot idle" aria-hidden="true" /> {counts.idle} idle</span>
        </span>
        <label className="inline-field">
          Order
          <select value={order} onChange={(e) => setOrder(e.target.value as Order)}>
            <option value="started">newest</option>
            <option value="activity">last activity</option>
            <option value="cost">cost</option>
            <option value="messages">messages</option>
          </select>
        </label>
      </header>
      {sorted.length === 0 ? (
        <p className="empty">{isPending ? 'Loading…' : 'No session is active. Sessions appear here as soon as Claude Code writes to a transcript.'}</p>
      ) : (
        <div ref={setScrollElement} className="session-grid-scroll" tabIndex={0} aria-label="Active sessions, scrollable">
          <div className="session-grid-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((row) => (
              <div key={row.key} className="session-grid-row" style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
                {sorted.slice(row.index * columns, row.index * columns + columns).map((s) => (
                  <SessionCard key={s.session_id} session={s} now={now} />
                ))}
              </div>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
