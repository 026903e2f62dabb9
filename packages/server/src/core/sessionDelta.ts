// What one commit group changes in a session and in each of its threads: the counting rules both
// store drivers apply (invariant 1 depends on their agreeing), so they live once, here. Pure.
import { emptyTotals, type Totals } from './accounting.js';
import type { TranscriptEntry } from './entry.js';

export interface SessionDelta {
  totals: Totals;
  messages: number;
  toolUses: number;
  first: string | null;
  last: string | null;
  /** The session's first main-thread `cwd` in the group. */
  project: string | null;
  /** A subagent's `cwd`, for a session whose main thread has none (yet). */
  sidechainProject: string | null;
  /** Earliest main-thread (not sidechain) line of the group. */
  mainFirst: string | null;
}

export interface AgentDelta {
  sessionId: string;
  agentId: string;
  totals: Totals;
  messages: number;
}

export function emptySessionDelta(): SessionDelta {
  return { totals: emptyTotals(), messages: 0, toolUses: 0, first: null, last: null, project: null, sidechainProject: null, mainFirst: null };
}

export function emptyAgentDelta(sessionId: string, agentId: string): AgentDelta {
  return { sessionId, agentId, totals: emptyTotals(), messages: 0 };
}

/** A line of the session was read: its time span and its project. */
export function touchSession(d: SessionDelta, entry: TranscriptEntry): void {
  const ts = entry.timestamp;
  if (ts) {
    if (d.first === null || ts < d.first) d.first = ts;
    if (d.last === null || ts > d.last) d.last = ts;
    if (!entry.isSidechain && (d.mainFirst === null || ts < d.mainFirst)) d.mainFirst = ts;
  }
  // The project is the session's first main-thread cwd; subagents may run elsewhere.
  if (entry.cwd) {
    if (d.project === null && !entry.isSidechain) d.project = entry.cwd;
    else if (d.sidechainProject === null && entry.isSidechain) d.sidechainProject = entry.cwd;
  }
}
