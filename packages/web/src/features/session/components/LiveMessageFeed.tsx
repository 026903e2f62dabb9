import type { LiveMessage, SessionLive } from '@claudelens/protocol';
import Anser from 'anser';
import { memo, useLayoutEffect, useRef } from 'react';
import { isFresh } from '../../../lib/freshness';
import { formatTime } from '../../../lib/format';
import { prefersReducedMotion } from '../../../lib/motion';
import { useSessionLive } from '../hooks/useSessionLive';

const selectMessages = (session: SessionLive) => session.recent_messages;
const selectEnded = (session: SessionLive) => session.status === 'ended';
const NONE: LiveMessage[] = [];
/** The DOM holds at most this many; the cache keeps more (sessionReducer). */
const SHOWN = 200;

const MessageRow = memo(function MessageRow({ message }: { message: LiveMessage }) {
  return (
    <li className={`live-message author-${message.author}${isFresh(message) ? ' fresh' : ''}`} data-uuid={message.uuid}>
      <time dateTime={message.timestamp}>{formatTime(message.timestamp)}</time>
      <span className="live-message-author">{message.author}</span>
      <span className="live-message-preview">{Anser.ansiToText(message.preview)}</span>
      {message.tool_used && <span className="tool-badge">{message.tool_used}</span>}
    </li>
  );
});

/**
 * Spec 000's live message feed: new messages append, the list scrolls smoothly to them while the
 * reader is at the bottom (scrolling up stops that), and each new one is highlighted briefly.
 */
export function LiveMessageFeed({ sessionId }: { sessionId: string }) {
  const { data: messages = NONE, isPending } = useSessionLive(sessionId, selectMessages);
  // An ended session's last lines are not "live": they follow again if it comes back.
  const { data: ended = false } = useSessionLive(sessionId, selectEnded);
  const listRef = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  const lastTop = useRef(0);
  const shown = messages.length > SHOWN ? messages.slice(messages.length - SHOWN) : messages;

  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list || !follow.current) return;
    list.scrollTo({ top: list.scrollHeight, behavior: prefersReducedMotion() || lastTop.current === 0 ? 'auto' : 'smooth' });
  }, [messages]);

  // Only the reader scrolls up (the smooth scroll to new messages only goes down).
  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    if (list.scrollTop < lastTop.current - 2) follow.current = false;
    if (list.scrollHeight - list.scrollTop - list.clientHeight < 24) follow.current = true;
    lastTop.current = list.scrollTop;
  };

  return (
    <section className="panel live-feed" aria-labelledby="live-feed-title">
      <header className="panel-head">
        <h2 id="live-feed-title">
          {ended ? 'Recent messages' : 'Live messages'} <span className="count">{messages.length}</span>
        </h2>
      </header>
      {shown.length === 0 ? (
        <p className="empty">{isPending ? 'Loading…' : 'No messages yet.'}</p>
      ) : (
        <ol ref={listRef} className="live-message-list" onScroll={onScroll} tabIndex={0} aria-label="Recent messages, oldest first">
          {shown.map((m) => (
            <MessageRow key={m.uuid} message={m} />
          ))}
        </ol>
      )}
    </section>
  );
}
