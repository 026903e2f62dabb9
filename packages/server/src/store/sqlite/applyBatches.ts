import type Database from 'better-sqlite3';
import { addTotals, claimRequest, requestKeyString, type RequestRecord, type SessionStart } from '../../core/accounting.js';
import { KNOWN_LINE_TYPES, type TranscriptEntry } from '../../core/entry.js';
import { emptyAgentDelta, emptySessionDelta, touchSession, type AgentDelta, type SessionDelta } from '../../core/sessionDelta.js';
import { OFFSET_MOVED, type AppliedBatch, type IngestBatch, type RequestChange, type SessionTotals } from '../repository.js';
import { toRequestRecord } from '../requestRows.js';
import { toTotals } from '../sessionRows.js';
import { oneRow, type Statements } from './statements.js';

// The write path of the SQLite store: a group of batches through the prepared statements, in the
// transaction the caller holds (sqliteStore.ts). Every line is one statement: better-sqlite3 runs
// them synchronously, with no round trip to save (PostgreSQL's driver does, postgres/applyGroup.ts).

/** Writes the batches; totals are summed over the whole group and written once per session and agent. */
export function applyBatches(st: Statements, batches: IngestBatch[]): AppliedBatch {
  const group = new GroupDelta();
  const applied: AppliedBatch = { newEntries: [], requestChanges: [], problems: 0, sessions: [] };
  for (const batch of batches) applyBatchSync(st, batch, group, applied);
  applied.sessions = group.write(st);
  return applied;
}

/** What a transaction adds to session and agent totals, and the requests it wrote. */
class GroupDelta {
  readonly sessions = new Map<string, SessionDelta>();
  readonly agents = new Map<string, AgentDelta>();
  /** A response's lines usually arrive together: requests written in this transaction. */
  readonly written = new Map<string, RequestRecord>();
  /** `session \0 model` → priced. */
  readonly models = new Map<string, boolean>();
  /** `sourceId \0 line type` → lines read. */
  readonly lineTypes = new Map<string, number>();
  /** Earliest main-thread line per session, asked of the store once per transaction (sessionStart). */
  readonly mainStarts = new Map<string, string | null>();

  session(id: string): SessionDelta {
    let d = this.sessions.get(id);
    if (!d) {
      d = emptySessionDelta();
      this.sessions.set(id, d);
    }
    return d;
  }

  agent(sessionId: string, agentId: string): AgentDelta {
    const key = `${sessionId}\u0000${agentId}`;
    let d = this.agents.get(key);
    if (!d) {
      d = emptyAgentDelta(sessionId, agentId);
      this.agents.set(key, d);
    }
    return d;
  }

  countLine(sourceId: number, lineType: string): void {
    const key = `${sourceId}\u0000${lineType}`;
    this.lineTypes.set(key, (this.lineTypes.get(key) ?? 0) + 1);
  }

  forgetLines(sourceId: number): void {
    for (const key of this.lineTypes.keys()) if (key.startsWith(`${sourceId}\u0000`)) this.lineTypes.delete(key);
  }

  /** Writes the group's totals; returns the sessions' new totals. */
  write(st: Statements): SessionTotals[] {
    for (const [key, count] of this.lineTypes) {
      const [sourceId, type] = key.split('\u0000') as [string, string];
      st.upsertLineType.run(Number(sourceId), type, KNOWN_LINE_TYPES.has(type) ? 1 : 0, count);
    }
    for (const [key, priced] of this.models) {
      const [sessionId, model] = key.split('\u0000') as [string, string];
      st.insertModel.run(sessionId, model, priced ? 1 : 0);
    }
    const totals: SessionTotals[] = [];
    for (const [id, d] of this.sessions) {
      const t = d.totals;
      const row = oneRow(st.upsertSession.get(id, d.project ?? d.sidechainProject, d.project ? 1 : 0, d.first, d.last, d.messages, d.toolUses, t.requests, t.inputTokens, t.outputTokens, t.cacheCreationTokens, t.cacheReadTokens, t.cost));
      totals.push(toTotals(row));
      const project = d.project ?? d.sidechainProject;
      if (project) st.upsertProject.run(project, d.first, d.last);
    }
    for (const a of this.agents.values()) {
      const t = a.totals;
      if (a.messages === 0 && t.requests === 0 && t.outputTokens === 0 && t.cost === 0) continue;
      st.upsertAgent.run(a.sessionId, a.agentId, a.messages, t.requests, t.inputTokens, t.outputTokens, t.cacheCreationTokens, t.cacheReadTokens, t.cost);
    }
    return totals;
  }
}


function applyBatchSync(st: Statements, batch: IngestBatch, group: GroupDelta, result: AppliedBatch): void {
  if (batch.expectOffset !== undefined && !batch.rewind) {
    const stored = st.sourceOffset.get(batch.sourceId);
    if (stored?.byte_offset !== batch.expectOffset) throw new Error(OFFSET_MOVED); // the transaction rolls back
  }
  if (batch.rewind) {
    st.clearLineTypes.run(batch.sourceId);
    group.forgetLines(batch.sourceId);
  }

  for (const entry of batch.entries) {
    group.countLine(batch.sourceId, entry.lineType);
    if (!entry.sessionId) continue;
    const session = group.session(entry.sessionId);
    touchSession(session, entry);
    const agent = group.agent(entry.sessionId, entry.agentId);
    for (const link of entry.subagentLinks ?? []) st.upsertSubagentLink.run(entry.sessionId, link.toolUseId, link.subagentType, link.agentId);
    if (entry.uuid && isNewMessage(st, batch.sourceId, entry)) {
      result.newEntries.push(entry);
      if (entry.lineType === 'user' || entry.lineType === 'assistant') {
        session.messages++;
        agent.messages++;
      }
      session.toolUses += entry.toolUses.length;
    }
    if (entry.priced) {
      // A change applies to the session that owns the request, which is the entry's own unless
      // another session's copy of the request is kept (accounting.ts, claimRequest).
      for (const change of storeRequest(st, group, entry.priced)) {
        addTotals(group.session(change.record.sessionId).totals, change.delta);
        addTotals(group.agent(change.record.sessionId, change.record.agentId).totals, change.delta);
        if (change.delta.requests >= 0) group.models.set(`${change.record.sessionId}\u0000${change.record.model}`, change.record.costSource !== 'unpriced');
        result.requestChanges.push(change);
      }
    }
  }
  const seenAt = new Date().toISOString();
  const source = batch.problems.length > 0 ? st.sourceById.get(batch.sourceId) : undefined;
  for (const p of batch.problems) {
    result.problems += st.insertProblem.run(source?.claude_dir, source?.rel_path, p.lineNo, p.byteOffset, p.kind, p.detail, seenAt).changes;
  }
  st.advanceSource.run(batch.nextOffset, batch.nextLineCount, batch.nextTail, batch.identity.ino, batch.identity.size, batch.identity.mtimeMs, batch.sourceId);
}


function isNewMessage(st: Statements, sourceId: number, e: TranscriptEntry): boolean {
  return (
    st.insertMessage.run(
      e.sessionId, e.uuid, e.parentUuid, e.agentId, e.lineType, e.author, e.timestamp, e.preview,
      e.toolUses.length > 0 ? e.toolUses.map((u) => u.name).join(',') : null,
      e.isSidechain ? 1 : 0, e.isMeta ? 1 : 0, e.model, sourceId, e.byteOffset, e.byteLength, e.lineNo,
    ).changes === 1
  );
}

function readRequest(st: Statements, key: RequestRecord): RequestRecord | undefined {
  const row = st.selectRequest.get(key.messageId, key.requestId);
  return row ? toRequestRecord(key, row) : undefined;
}

/**
 * Records a line's request: inserted when new (the usual case: no lookup first), else merged
 * with what is stored, where the line with more output wins and, for a request another session
 * holds, the session that started first keeps it.
 */
function storeRequest(st: Statements, group: GroupDelta, incoming: RequestRecord): RequestChange[] {
  const key = requestKeyString(incoming);
  const cached = group.written.get(key);
  if (cached === undefined && requestRow(st.insertRequest, incoming).changes === 1) {
    group.written.set(key, incoming);
    return claimRequest(undefined, incoming, () => ({ first: null, mainFirst: null }));
  }
  const changes = claimRequest(cached ?? readRequest(st, incoming), incoming, (id) => sessionStart(st, group, id));
  const kept = changes.at(-1)?.record;
  if (kept) {
    requestRow(st.upsertRequest, kept);
    group.written.set(key, kept);
  }
  return changes;
}

/** When a session started, as known in this transaction: stored, or read in this group (its messages are inserted as read). */
function sessionStart(st: Statements, group: GroupDelta, sessionId: string): SessionStart {
  const storedFirst = st.sessionById.get(sessionId)?.first_activity ?? null;
  const read = group.sessions.get(sessionId)?.first ?? null;
  const first = storedFirst === null ? read : read !== null && read < storedFirst ? read : storedFirst;
  // Once per session and transaction: a fork copies every request, and this scans the session's
  // messages. Main-thread lines read later in the group are in `touch`'s running minimum.
  if (!group.mainStarts.has(sessionId)) {
    group.mainStarts.set(sessionId, st.mainThreadStart.get(sessionId)?.at ?? null);
  }
  const stored = group.mainStarts.get(sessionId) ?? null;
  const readMain = group.sessions.get(sessionId)?.mainFirst ?? null;
  const mainFirst = stored === null ? readMain : readMain !== null && readMain < stored ? readMain : stored;
  return { first, mainFirst };
}

function requestRow(statement: Statements['insertRequest'], r: RequestRecord): Database.RunResult {
  const u = r.usage;
  return statement.run(r.messageId, r.requestId, r.sessionId, r.agentId, r.model, r.timestamp, r.lineUuid, u.input, u.output, u.cacheWrite5m, u.cacheWrite1h, u.cacheRead, u.fast ? 1 : 0, r.cost, r.costSource,
    u.webSearchRequests, u.webFetchRequests, u.inferenceGeo, r.serverToolCost, r.dataResidencyCost, r.estimatedCost, r.estimateBasis, r.startedAt ?? r.timestamp);
}
