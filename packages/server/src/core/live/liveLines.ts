// What a commit's lines say of their sessions, before any live state: a session's stats from its
// stored totals, the stats it had before a commit, each line's message and the turn it leaves.
import type { LiveMessage, StatType } from '@claudelens/protocol';
import type { Turn } from './sessionStatus.js';
import type { LiveInput, LiveLine, SessionFacts } from './liveInput.js';

export type Stats = Record<StatType, number>;

export function statsOf(f: SessionFacts): Stats {
  return {
    messages: f.messageCount,
    tools: f.toolUseCount,
    tokens: f.inputTokens + f.outputTokens + f.cacheCreationTokens + f.cacheReadTokens,
    cost: f.cost,
  };
}

/** A session first seen in this commit: its stats before it, from its totals after it. */
export function statsBefore(after: SessionFacts, input: LiveInput, counts: Map<string, Stats>): Stats {
  const stats = statsOf(after);
  const usage = input.usageDeltas.get(after.sessionId);
  const lines = counts.get(after.sessionId);
  return {
    messages: stats.messages - (lines?.messages ?? 0),
    tools: stats.tools - (lines?.tools ?? 0),
    tokens: stats.tokens - (usage?.tokens ?? 0),
    cost: stats.cost - (usage?.cost ?? 0),
  };
}

/** Messages and tool calls of each session's lines in this commit: one pass. */
export function lineCounts(input: LiveInput): Map<string, Stats> {
  const counts = new Map<string, Stats>();
  for (const entry of input.lines) {
    if (!entry.sessionId) continue;
    let c = counts.get(entry.sessionId);
    if (!c) counts.set(entry.sessionId, (c = zeroStats()));
    if (entry.lineType === 'user' || entry.lineType === 'assistant') c.messages++;
    c.tools += entry.toolUses.length;
  }
  return counts;
}

export function zeroStats(): Stats {
  return { messages: 0, tools: 0, tokens: 0, cost: 0 };
}

export function toLiveMessage(entry: LiveLine, now: number): LiveMessage {
  const tool = entry.toolUses[0]?.name;
  return {
    uuid: entry.uuid ?? '',
    author: entry.author ?? entry.lineType,
    timestamp: entry.timestamp ?? new Date(now).toISOString(),
    preview: entry.preview,
    ...(tool ? { tool_used: tool } : {}),
  };
}

/** What the main thread waits for after this line. */
export function turnAfter(entry: LiveLine, current: Turn): Turn {
  if (entry.lineType === 'assistant') {
    if (entry.isApiError) return 'done';
    return entry.toolUses.length > 0 ? 'waiting-for-tool' : 'done';
  }
  if (entry.lineType === 'user') {
    if (entry.isMeta) return current;
    if (entry.toolResults.length > 0) return 'waiting-for-model';
    const text = entry.preview;
    // A local command (/clear, /cost) answers itself; a slash command the model runs (/init) does not.
    if (text.startsWith('[Request interrupted') || text.startsWith('<local-command')) return 'done';
    return 'waiting-for-model';
  }
  if (entry.lineType === 'system' && entry.preview.startsWith('turn_duration')) return 'done';
  return current;
}
