import { addTotals, claimRequest, mergeRequest, type SessionStart, type RequestKey, type RequestRecord } from '../../core/accounting.js';
import { emptyAgentDelta, emptySessionDelta, touchSession, type AgentDelta, type SessionDelta } from '../../core/sessionDelta.js';
import type { TranscriptEntry } from '../../core/entry.js';
import type { AppliedBatch, IngestBatch } from '../repository.js';
import { pgText } from './pgText.js';

// What one applyBatches call means for the PostgreSQL store, worked out in memory so that each
// table takes one multi-row statement per call. The same rules as the SQLite driver's
// per-row loop (sqliteStore.ts): a message counts when its (session, uuid) is new; a request's
// lines fold with `mergeRequest`; totals are summed per session and agent and written as deltas.



/** A message row to insert: the first entry of the group with its (session, uuid). */
export type { AgentDelta, SessionDelta };

export interface MessageCandidate {
  key: string;
  entry: TranscriptEntry;
  sourceId: number;
}

// Keys are built from text as stored (pgText), so that rows the database returns match them.
export const messageKey = (sessionId: string, uuid: string): string => `${pgText(sessionId)}\u0000${pgText(uuid)}`;
export const requestKey = (key: RequestKey): string => `${pgText(key.messageId)}\u0000${pgText(key.requestId)}`;

/** Rows in key order: every transaction locks them in the same order, so writers never deadlock. */
export const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Step 1: the rows the group may insert, before anything is known of what is stored. */
export function candidates(batches: IngestBatch[]): { messages: MessageCandidate[]; requests: Map<string, RequestRecord> } {
  const messages = new Map<string, MessageCandidate>();
  // A request's lines folded as if nothing were stored: what a new request is inserted as.
  const requests = new Map<string, RequestRecord>();
  for (const batch of batches) {
    for (const entry of batch.entries) {
      if (!entry.sessionId) continue;
      if (entry.uuid) {
        const key = messageKey(entry.sessionId, entry.uuid);
        if (!messages.has(key)) messages.set(key, { key, entry, sourceId: batch.sourceId });
      }
      const priced = entry.priced;
      if (priced) {
        const key = requestKey(priced);
        const change = mergeRequest(requests.get(key), priced);
        if (change) requests.set(key, change.record);
      }
    }
  }
  return { messages: [...messages.values()], requests };
}

/**
 * The sessions of requests that the group's lines, or the stored row, give to more than one
 * session (a resumed session's copies): whose stored first activity decides who keeps them.
 * Usually none, and then no query is needed.
 */
export function sharedSessions(batches: IngestBatch[], stored: Map<string, RequestRecord | undefined>): string[] {
  const sessionsOf = new Map<string, Set<string>>();
  for (const batch of batches) {
    for (const entry of batch.entries) {
      if (!entry.priced || !entry.sessionId) continue;
      const key = requestKey(entry.priced);
      let ids = sessionsOf.get(key);
      if (!ids) {
        ids = new Set();
        const before = stored.get(key);
        if (before) ids.add(before.sessionId);
        sessionsOf.set(key, ids);
      }
      ids.add(entry.sessionId);
    }
  }
  const shared = new Set<string>();
  for (const ids of sessionsOf.values()) if (ids.size > 1) for (const id of ids) shared.add(id);
  return [...shared].sort();
}

/** Step 2: with what the database said (new messages, stored requests), the group's deltas. */
export class GroupPlan {
  readonly sessions = new Map<string, SessionDelta>();
  readonly agents = new Map<string, AgentDelta>();
  /** `session \0 model` → priced. */
  readonly models = new Map<string, boolean>();
  /** `sourceId \0 line type` → lines read. */
  readonly lineTypes = new Map<string, number>();
  /** Sources truncated or replaced in this group: their stored line tallies are cleared. */
  readonly rewound = new Set<number>();
  /** The last batch of each source: the offset it reaches. */
  readonly lastBatch = new Map<number, IngestBatch>();
  readonly applied: AppliedBatch = { newEntries: [], requestChanges: [], problems: 0, sessions: [] };

  /**
   * `newMessages`: keys of the messages the insert created. `current`: each request of the group
   * as stored before it (undefined when new), updated in place as the group's lines merge.
   */
  /** Sessions with a line in the group so far: their `first` is a start. */
  private readonly started = new Set<string>();

  /**
   * `storedStarts`: for sessions that share a request with another (sharedSessions), their stored
   * first activity and their earliest main-thread message (this group's messages included).
   */
  constructor(
    batches: IngestBatch[],
    newMessages: Set<string>,
    private readonly current: Map<string, RequestRecord | undefined>,
    private readonly storedStarts: Map<string, SessionStart> = new Map(),
  ) {
    for (const batch of batches) this.add(batch, newMessages);
  }

  /** When a session started, as known: stored, or read in this group. */
  private start(sessionId: string): SessionStart {
    const stored = this.storedStarts.get(sessionId) ?? { first: null, mainFirst: null };
    const read = this.started.has(sessionId) ? (this.sessions.get(sessionId)?.first ?? null) : null;
    const first = stored.first === null ? read : read !== null && read < stored.first ? read : stored.first;
    return { first, mainFirst: stored.mainFirst };
  }

  private add(batch: IngestBatch, newMessages: Set<string>): void {
    if (batch.rewind) {
      this.rewound.add(batch.sourceId);
      for (const key of this.lineTypes.keys()) if (key.startsWith(`${batch.sourceId}\u0000`)) this.lineTypes.delete(key);
    }
    this.lastBatch.set(batch.sourceId, batch);
    for (const entry of batch.entries) {
      const typeKey = `${batch.sourceId}\u0000${pgText(entry.lineType)}`;
      this.lineTypes.set(typeKey, (this.lineTypes.get(typeKey) ?? 0) + 1);
      if (!entry.sessionId) continue;
      const session = this.session(entry.sessionId);
      touchSession(session, entry);
      const agent = this.agent(entry.sessionId, entry.agentId);
      this.started.add(entry.sessionId);
      // Deleted once counted: a uuid repeated later in the group is a duplicate.
      if (entry.uuid && newMessages.delete(messageKey(entry.sessionId, entry.uuid))) {
        this.applied.newEntries.push(entry);
        if (entry.lineType === 'user' || entry.lineType === 'assistant') {
          session.messages++;
          agent.messages++;
        }
        session.toolUses += entry.toolUses.length;
      }
      if (entry.priced) {
        const key = requestKey(entry.priced);
        // A change applies to the session that owns the request (accounting.ts, claimRequest).
        for (const change of claimRequest(this.current.get(key), entry.priced, (id) => this.start(id))) {
          this.current.set(key, change.record);
          addTotals(this.session(change.record.sessionId).totals, change.delta);
          addTotals(this.agent(change.record.sessionId, change.record.agentId).totals, change.delta);
          if (change.delta.requests >= 0) this.models.set(`${pgText(change.record.sessionId)}\u0000${pgText(change.record.model)}`, change.record.costSource !== 'unpriced');
          this.applied.requestChanges.push(change);
        }
      }
    }
  }

  private session(id: string): SessionDelta {
    let d = this.sessions.get(id);
    if (!d) {
      d = emptySessionDelta();
      this.sessions.set(id, d);
    }
    return d;
  }

  private agent(sessionId: string, agentId: string): AgentDelta {
    const key = `${pgText(sessionId)}\u0000${pgText(agentId)}`;
    let d = this.agents.get(key);
    if (!d) {
      d = emptyAgentDelta(sessionId, agentId);
      this.agents.set(key, d);
    }
    return d;
  }
}

