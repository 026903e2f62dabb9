import type { ConversationMessage } from '@claudelens/protocol';
import type { ReactNode } from 'react';
import { formatSmallCost, formatTime } from '../../../lib/format';

/** The task a subagent was given: its first user line. */
function task(messages: ConversationMessage[]): string {
  const first = messages.find((m) => m.author === 'user' || m.type === 'user');
  const line = (first?.preview ?? '').split('\n', 1)[0] ?? '';
  return line.length > 90 ? `${line.slice(0, 90)}…` : line;
}

/** One subagent's whole run, folded: its task, length, time and cost; its lines (`children`) inside. */
export function AgentRun({ agentId, messages, cost, open, children }: { agentId: string; messages: ConversationMessage[]; cost: number | undefined; open: boolean; children: ReactNode }) {
  const first = messages[0]?.timestamp;
  const last = messages.at(-1)?.timestamp;
  return (
    <details className="agent-run" data-agent={agentId} open={open || undefined}>
      <summary>
        <span className="agent-run-title">
          <span className="block-label">Subagent</span> <code title={agentId}>{agentId.slice(0, 8)}</code> <span className="agent-task">{task(messages)}</span>
        </span>
        <span className="agent-run-meta">
          {messages.length} {messages.length === 1 ? 'line' : 'lines'} · {formatTime(first)}–{formatTime(last)}
          {cost !== undefined && <span className="agent-cost"> · {formatSmallCost(cost)}</span>}
        </span>
      </summary>
      {children}
    </details>
  );
}
