import type { ConversationMessage } from '@claudelens/protocol';
import Anser from 'anser';
import { memo, useMemo, useState } from 'react';
import { AnsiText } from '../../../components/AnsiText';
import { formatTime } from '../../../lib/format';
import { groupRuns, messageBlocks, type Block } from '../conversationBlocks';
import { filterItems, countMessages } from '../conversationSearch';
import { useConversation } from '../hooks/useConversation';
import { useFollowScroll } from '../hooks/useFollowScroll';
import { useStoredSession } from '../hooks/useSessionDetail';
import { AgentRun } from './AgentRun';
import { CutNotice } from './CutNotice';
import { TextWithTags } from './TextWithTags';

/** Items in the DOM at first; "Show earlier" adds as many again. */
const SHOWN = 300;


const AUTHOR_LABEL: Record<string, string> = { user: 'User', assistant: 'Assistant', tool: 'Tool result', system: 'System' };

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'text':
      return <TextWithTags text={block.text} />;
    case 'thinking':
      return (
        <details className="block-thinking">
          <summary>Thinking</summary>
          <div className="block-text">{block.text}</div>
        </details>
      );
    case 'tool_use':
      return (
        <details className="block-tool-use">
          <summary>
            Tool call <code>{block.name}</code>
          </summary>
          <pre>{block.input}</pre>
        </details>
      );
    case 'tool_result':
      return (
        <details className={`block-tool-result${block.isError ? ' error' : ''}`}>
          <summary>
            {block.isError ? 'Tool error' : 'Tool result'} <span className="muted">{Anser.ansiToText(firstLine(block.text))}</span>
          </summary>
          <pre>
            <AnsiText text={block.text} />
          </pre>
        </details>
      );
    case 'image':
      return <div className="block-other">[image]</div>;
    case 'other':
      return <div className="block-other">[{block.label}]</div>;
  }
}

const MessageView = memo(function MessageView({ message }: { message: ConversationMessage }) {
  const blocks = messageBlocks(message);
  const author = message.author ?? message.type;
  return (
    <article className={`message author-${author}${message.is_meta ? ' meta' : ''}`} data-uuid={message.uuid}>
      <header className="message-head">
        <span className="message-author">{AUTHOR_LABEL[author] ?? author}</span>
        {message.model && <span className="message-model">{message.model}</span>}
        <time dateTime={message.timestamp ?? undefined}>{formatTime(message.timestamp)}</time>
      </header>
      {blocks.length === 0 ? <div className="block-other">{message.preview || `[${message.type}]`}</div> : blocks.map((b, i) => <BlockView key={i} block={b} />)}
      <CutNotice message={message} />
    </article>
  );
});

/** The whole conversation (GET /api/v1/sessions/{id}/messages), following the live session; subagent runs fold into one group each. */
export function Conversation({ sessionId }: { sessionId: string }) {
  const conversation = useConversation(sessionId);
  const { data: detail } = useStoredSession(sessionId);
  const [search, setSearch] = useState('');
  const [shown, setShown] = useState(SHOWN);
  const messages = useMemo(() => conversation.data?.pages.flatMap((p) => p.messages) ?? [], [conversation.data]);
  const items = useMemo(() => filterItems(groupRuns(messages), search), [messages, search]);
  const loading = conversation.isPending || conversation.hasNextPage;
  const scroll = useFollowScroll(items, !loading && search === '');
  const agentCost = useMemo(() => new Map(detail?.agents.map((a) => [a.agentId, a.totalCost])), [detail]);
  const visible = items.length > shown ? items.slice(items.length - shown) : items;
  return (
    <section className="panel conversation" aria-labelledby="conversation-title">
      <header className="panel-head conversation-head">
        <h2 id="conversation-title">
          Conversation <span className="count">{messages.length}{conversation.hasNextPage ? '+' : ''}</span>
        </h2>
        <input
          type="search"
          className="conversation-search"
          placeholder="Search the conversation"
          aria-label="Search the conversation"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {search && <span className="muted search-count">{countMessages(items)} matching</span>}
      </header>
      {conversation.isPending ? (
        <p className="empty">Loading…</p>
      ) : conversation.isError ? (
        <p className="empty">Could not load the conversation: {conversation.error.message}</p>
      ) : (
        <div className="conversation-body">
          <ol ref={scroll.ref} className="conversation-list" onScroll={scroll.onScroll} tabIndex={0} aria-label="Conversation, oldest first" aria-busy={loading}>
            {items.length > visible.length && (
              <li>
                <button type="button" className="load-more" onClick={() => setShown((n) => n + SHOWN)}>
                  Show earlier ({items.length - visible.length})
                </button>
              </li>
            )}
            {visible.map((item) =>
              item.kind === 'message' ? (
                <li key={item.message.uuid}>
                  <MessageView message={item.message} />
                </li>
              ) : (
                <li key={`agent-${item.agentId}`}>
                  <AgentRun agentId={item.agentId} messages={item.messages} cost={agentCost.get(item.agentId)} open={search !== ''}>
                    {item.messages.map((m) => (
                      <MessageView key={m.uuid} message={m} />
                    ))}
                  </AgentRun>
                </li>
              ),
            )}
          </ol>
          {!scroll.atBottom && (
            <button type="button" className="jump-latest" onClick={scroll.jumpToLatest}>
              Jump to latest ↓
            </button>
          )}
        </div>
      )}
      {conversation.hasNextPage && <p className="muted loading-more">Loading more…</p>}
    </section>
  );
}
