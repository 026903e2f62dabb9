import { messageText, type ConversationItem } from './conversationBlocks';

/** The items with a line containing `search` (case-insensitive); a subagent group keeps its matching lines. */
export function filterItems(items: ConversationItem[], search: string): ConversationItem[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return items;
  const out: ConversationItem[] = [];
  for (const item of items) {
    if (item.kind === 'message') {
      if (messageText(item.message).includes(needle)) out.push(item);
      continue;
    }
    const matching = item.messages.filter((m) => messageText(m).includes(needle));
    if (matching.length > 0) out.push({ ...item, messages: matching });
  }
  return out;
}

export function countMessages(items: ConversationItem[]): number {
  return items.reduce((n, item) => n + (item.kind === 'message' ? 1 : item.messages.length), 0);
}
