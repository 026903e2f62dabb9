import type { LiveActivity, RecentActivity } from '@claudelens/protocol';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from '../../../app/router';
import { formatSmallCost, formatTime, projectName, shortId } from '../../../lib/format';
import { feedKey } from '../activityReducer';
import { feedFilterOptions, filterFeed, NO_FILTER, type FeedFilter } from '../feedFilter';
import { isFresh } from '../../../lib/freshness';
import { useThrottled } from '../../../lib/useThrottled';
import { useLiveBoard } from '../hooks/useLiveBoard';

const selectFeed = (board: LiveActivity) => board.recent_activity;
const NONE: RecentActivity[] = [];
const ROW_HEIGHT = 34;
/** At most this often the list moves: at 200 events a second, ten updates show them all. */
const REDRAW_MS = 100;

const TYPE_LABEL: Record<string, string> = {
  user: 'user',
  assistant: 'assistant',
  tool_use: 'tool call',
  tool_result: 'result',
  session_started: 'started',
  session_ended: 'ended',
  alert: 'alert',
};

const FeedRow = memo(function FeedRow({ item, top }: { item: RecentActivity; top: number }) {
  return (
    <div className={`feed-row type-${item.type}${isFresh(item) ? ' fresh' : ''}`} style={{ transform: `translateY(${top}px)` }} role="listitem" data-key={feedKey(item)}>
      <time className="feed-time" dateTime={item.timestamp}>
        {formatTime(item.timestamp)}
      </time>
      <span className="feed-type">{TYPE_LABEL[item.type] ?? item.type}</span>
      <span className="feed-project" title={item.project}>
        {projectName(item.project)}
      </span>
      {item.session_id ? (
        <Link className="feed-session" to={`/sessions/${encodeURIComponent(item.session_id)}`} title={`Open session ${item.session_id}`}>
          {shortId(item.session_id)}
        </Link>
      ) : (
        <span className="feed-session muted">all</span>
      )}
      <span className="feed-summary" title={item.summary}>
        {item.summary}
      </span>
      <span className="feed-tool">{item.tool ?? ''}</span>
      <span className="feed-cost">{item.cost > 0 ? formatSmallCost(item.cost) : ''}</span>
    </div>
  );
});

function indexOfKey(items: RecentActivity[], key: string | null): number {
  if (key === null) return -1;
  for (let i = 0; i < items.length; i++) if (feedKey(items[i] as RecentActivity) === key) return i;
  return -1;
}

/**
 * Spec 001's scrolling feed, newest at the bottom. It follows new items while the reader is at
 * the bottom; scrolling up, hovering or focusing inside pauses it (the rows stay put, even when
 * old ones are dropped), and "N new" jumps back. Virtualised: the DOM holds a screenful of rows
 * however long the feed.
 */
export function ActivityFeed() {
  const { data: latest = NONE, isPending } = useLiveBoard(selectFeed);
  const items = useThrottled(latest, REDRAW_MS);
  const [filter, setFilter] = useState<FeedFilter>(NO_FILTER);
  const shown = useMemo(() => filterFeed(items, filter), [items, filter]); // newest first
  // The menus list what the feed holds when the reader goes to them, not on every event: 500
  // sessions' worth of <option>s re-rendered each frame would cost more than the feed itself.
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const [menusOpenedAt, setMenusOpenedAt] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const options = useMemo(() => feedFilterOptions(itemsRef.current), [menusOpenedAt]);
  const count = shown.length;
  const at = (displayIndex: number) => shown[count - 1 - displayIndex] as RecentActivity; // oldest first on screen

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    // A scroll re-renders with the next batch, not synchronously inside the scroll event.
    useFlushSync: false,
    // Rows are keyed by position (the default): a key read from each of 2000 items on every
    // render was the feed's largest cost at 200 events a second, and rows are all one height.
    initialRect: { width: 800, height: 420 },
  });

  const [following, setFollowing] = useState(true);
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const paused = !following || hovered || focused;
  /** The row at the top of the view, and how far into it, while paused. */
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  /** The newest item the reader has been shown at the bottom. */
  const seenKey = useRef<string | null>(null);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (!paused) {
      element.scrollTop = count * ROW_HEIGHT; // the bottom (clamped): no layout read needed
      seenKey.current = shown[0] ? feedKey(shown[0]) : null;
      return;
    }
    const held = anchor.current;
    const index = held ? indexOfKey(shown, held.key) : -1;
    if (held && index >= 0) element.scrollTop = (count - 1 - index) * ROW_HEIGHT + held.offset;
    // `paused` is read, not a trigger: pausing must not move the rows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element || count === 0) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT / 2;
    if (atBottom !== following) setFollowing(atBottom);
    if (atBottom) seenKey.current = shown[0] ? feedKey(shown[0]) : null;
    const top = Math.min(count - 1, Math.floor(element.scrollTop / ROW_HEIGHT));
    anchor.current = { key: feedKey(at(top)), offset: element.scrollTop - top * ROW_HEIGHT };
  };

  const jump = () => {
    const element = scrollRef.current;
    if (element) element.scrollTop = element.scrollHeight;
    seenKey.current = shown[0] ? feedKey(shown[0]) : null;
    setFollowing(true);
    setHovered(false);
  };

  const seenIndex = indexOfKey(shown, seenKey.current);
  const newCount = paused ? (seenIndex < 0 ? count : seenIndex) : 0;
  const setField = (field: keyof FeedFilter) => (event: { target: { value: string } }) => {
    setFilter((old) => ({ ...old, [field]: event.target.value }));
    setFollowing(true);
  };

  return (
    <section className="panel feed-panel" aria-labelledby="activity-feed-title">
      <header className="panel-head">
        <h2 id="activity-feed-title">
          Activity <span className="count">{count}</span>
        </h2>
        <span className={`feed-state${paused ? ' paused' : ''}`} aria-live="polite">
          {paused ? 'Paused' : 'Following'}
        </span>
        <div className="feed-filters" role="group" aria-label="Filter the feed" onFocus={() => setMenusOpenedAt(Date.now())} onPointerDown={() => setMenusOpenedAt(Date.now())}>
          <label className="inline-field">
            Project
            <select value={filter.project} onChange={setField('project')}>
              <option value="">all</option>
              {options.projects.map((p) => (
                <option key={p} value={p}>
                  {projectName(p)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            Session
            <select value={filter.session} onChange={setField('session')}>
              <option value="">all</option>
              {options.sessions.map((s) => (
                <option key={s} value={s}>
                  {shortId(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            Type
            <select value={filter.type} onChange={setField('type')}>
              <option value="">all</option>
              {options.types.map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABEL[t] ?? t}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            Tool
            <select value={filter.tool} onChange={setField('tool')}>
              <option value="">all</option>
              {options.tools.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <div className="feed-viewport">
        <div
          ref={scrollRef}
          className="feed-scroll"
          role="list"
          aria-label="Activity feed, oldest first"
          tabIndex={0}
          onScroll={onScroll}
          onMouseEnter={() => setHovered(true)}
          onMouseLeave={() => setHovered(false)}
          onFocus={() => setFocused(true)}
          onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setFocused(false)}
        >
          {count === 0 ? (
            <p className="empty">{isPending ? 'Loading…' : items.length > 0 ? 'Nothing matches these filters.' : 'Waiting for activity…'}</p>
          ) : (
            <div className="feed-inner" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((row) => (
                <FeedRow key={row.index} item={at(row.index)} top={row.start} />
              ))}
            </div>
          )}
        </div>
        {newCount > 0 && (
          <button type="button" className="feed-jump" onClick={jump}>
            {newCount} new ↓
          </button>
        )}
      </div>
    </section>
  );
}
