import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { navigate } from '../../../app/router';
import { StatusDot } from '../../../components/StatusDot';
import { useNow } from '../../../lib/clock';
import { formatAgo, formatCost, projectName, shortId } from '../../../lib/format';
import { useSessionList } from '../../sessions/useSessionList';

const SHOWN = 50;

/** Pick a session by project or id, most recent first: a combobox over GET /api/v1/sessions. */
export function SessionSelector({ currentId }: { currentId: string | null }) {
  const list = useSessionList({});
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const id = useId();
  const now = useNow();
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    const found = q ? list.sessions.filter((s) => s.sessionId.toLowerCase().includes(q) || (s.projectPath ?? '').toLowerCase().includes(q)) : list.sessions;
    return found.slice(0, SHOWN);
  }, [list.sessions, query]);

  const choose = (sessionId: string) => {
    setOpen(false);
    setQuery('');
    navigate(`/sessions/${encodeURIComponent(sessionId)}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(matches.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (event.key === 'Enter' && open && matches[active]) {
      event.preventDefault();
      choose(matches[active].sessionId);
    } else if (event.key === 'Escape') setOpen(false);
  };

  return (
    <div className="session-selector">
      <label htmlFor={`${id}-input`}>Session</label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${id}-option-${active}` : undefined}
        placeholder={currentId ? `${shortId(currentId)} — search by project or session` : 'Search by project or session'}
        value={query}
        autoComplete="off"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul id={`${id}-list`} role="listbox" className="session-options" aria-label="Sessions, most recent first">
          {matches.length === 0 && <li className="empty">{list.isPending ? 'Loading…' : 'No session matches.'}</li>}
          {matches.map((s, i) => (
            <li
              key={s.sessionId}
              id={`${id}-option-${i}`}
              role="option"
              aria-selected={i === active}
              className={`${i === active ? 'active' : ''}${s.sessionId === currentId ? ' current' : ''}`}
              // mousedown, not click: the input keeps its focus, so its blur does not close the list first
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s.sessionId);
              }}
            >
              <StatusDot status={s.status} />
              <span className="option-project">{projectName(s.projectPath)}</span>
              <span className="option-id">{shortId(s.sessionId)}</span>
              <span className="option-meta">
                {formatAgo(s.lastActivity, now)} · {formatCost(s.totalCost)}
              </span>
            </li>
          ))}
          {list.hasNextPage && (
            <li className="option-more">
              <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                Load more sessions
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
