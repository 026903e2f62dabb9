import type { ConversationMessage } from '@claudelens/protocol';

// What a stored line's `message` holds, as blocks to show. Defensive: `content` is whatever the
// transcript had (a string, or an array of Anthropic content blocks), or null.

export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool_use'; name: string; input: string }
  | { kind: 'tool_result'; text: string; isError: boolean }
  | { kind: 'image' }
  | { kind: 'other'; label: string };

/** Longer texts are cut for display; the transcript has the rest. */
export const TEXT_LIMIT = 20_000;

const cut = (text: string) => (text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}\n… (${(text.length - TEXT_LIMIT).toLocaleString('en-US')} more characters)` : text);

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((part) => {
        if (typeof part === 'string') return part;
        if (part && typeof part === 'object' && 'text' in part && typeof part.text === 'string') return part.text;
        if (part && typeof part === 'object' && 'type' in part && part.type === 'image') return '[image]';
        return '';
      })
      .filter(Boolean)
      .join('\n');
  }
  return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
}

function toBlock(part: unknown): Block | null {
  if (typeof part === 'string') return part.trim() ? { kind: 'text', text: cut(part) } : null;
  if (!part || typeof part !== 'object' || !('type' in part)) return null;
  const block = part as Record<string, unknown>;
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' && block.text.trim() ? { kind: 'text', text: cut(block.text) } : null;
    case 'thinking':
      return { kind: 'thinking', text: cut(typeof block.thinking === 'string' ? block.thinking : '') };
    case 'redacted_thinking':
      return { kind: 'thinking', text: '(redacted)' };
    case 'tool_use':
      return { kind: 'tool_use', name: typeof block.name === 'string' ? block.name : 'tool', input: cut(JSON.stringify(block.input ?? {}, null, 2)) };
    case 'tool_result':
      return { kind: 'tool_result', text: cut(textOf(block.content)), isError: block.is_error === true };
    case 'image':
      return { kind: 'image' };
    default:
      return { kind: 'other', label: String(block.type) };
  }
}

export function messageBlocks(message: ConversationMessage): Block[] {
  const content = message.content?.content;
  if (typeof content === 'string') return content.trim() ? [{ kind: 'text', text: cut(content) }] : [];
  if (Array.isArray(content)) return content.map(toBlock).filter((b): b is Block => b !== null);
  return message.preview ? [{ kind: 'text', text: message.preview }] : [];
}

export type ConversationItem = { kind: 'message'; message: ConversationMessage } | { kind: 'agent'; agentId: string; messages: ConversationMessage[] };

/**
 * The main thread's lines stay single; every line of one subagent joins one group, placed where
 * its first line is. Subagents run alongside the main thread and each other, so grouping only
 * consecutive lines cut one run into many one-line fragments.
 */
export function groupRuns(messages: ConversationMessage[]): ConversationItem[] {
  const items: ConversationItem[] = [];
  const groups = new Map<string, Extract<ConversationItem, { kind: 'agent' }>>();
  for (const message of messages) {
    if (!message.agent_id) {
      items.push({ kind: 'message', message });
      continue;
    }
    const group = groups.get(message.agent_id);
    if (group) group.messages.push(message);
    else {
      const created = { kind: 'agent' as const, agentId: message.agent_id, messages: [message] };
      groups.set(message.agent_id, created);
      items.push(created);
    }
  }
  return items;
}

/** What search within the conversation looks in: the preview and the whole message. */
export function messageText(message: ConversationMessage): string {
  return `${message.preview}\n${message.content ? JSON.stringify(message.content) : ''}`.toLowerCase();
}
