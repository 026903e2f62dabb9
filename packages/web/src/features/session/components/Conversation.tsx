import type { ConversationMessage } from '@claudelens/protocol';
import { memo, useMemo } from 'react';
import { formatTime } from '../../../lib/format';
import { groupRuns, messageBlocks, type Block } from '../conversationBlocks';
import { useConversation } from '../hooks/useSessionLive';
import { CutNotice } from './CutNotice';

const AUTHOR_LABEL: Record<string, string> = { user: 'User', assistant: 'Assistant', tool: 'Tool result', system: 'System' };

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'text':
      return <div className="block-text">{block.text}</div>;
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
            {block.isError ? 'Tool error' : 'Tool result'} <span className="muted">{firstLine(block.text)}</span>
          </summary>
          <pre>{block.text}</pre>
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

/** The whole conversation (GET /api/v1/sessions/{id}/messages), a page at a time; subagent runs fold into one group each. */
export function Conversation({ sessionId }: { sessionId: string }) {
  const conversation = useConversation(sessionId);
  const messages = useMemo(() => conversation.data?.pages.flatMap((p) => p.messages) ?? [], [conversation.data]);
  const items = useMemo(() => groupRuns(messages), [messages]);
  return (
    <section className="panel conversation" aria-labelledby="conversation-title">
      <header className="panel-head">
        <h2 id="conversation-title">
          Conversation <span className="count">{messages.length}{conversation.hasNextPage ? '+' : ''}</span>
        </h2>
        <button type="button" className="ghost" onClick={() => void conversation.refetch()} disabled={conversation.isFetching}>
          Refresh
        </button>
      </header>
      {conversation.isPending ? (
        <p className="empty">Loading…</p>
      ) : conversation.isError ? (
        <p className="empty">Could not load the conversation: {conversation.error.message}</p>
      ) : (
        <ol className="conversation-list">
          {items.map((item) =>
            item.kind === 'message' ? (
              <li key={item.message.uuid}>
                <MessageView message={item.message} />
              </li>
            ) : (
              <li key={`agent-${item.agentId}-${item.messages[0]?.uuid}`}>
                <details className="agent-run">
                  <summary>
                    Subagent <code>{item.agentId}</code> · {item.messages.length} lines
                  </summary>
                  {item.messages.map((m) => (
                    <MessageView key={m.uuid} message={m} />
                  ))}
                </details>
              </li>
            ),
          )}
        </ol>
      )}
      {conversation.hasNextPage && (
        <button type="button" className="load-more" onClick={() => void conversation.fetchNextPage()} disabled={conversation.isFetchingNextPage}>
          {conversation.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
