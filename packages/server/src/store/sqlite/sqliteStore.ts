import type Database from 'better-sqlite3';
import { emptyAgentDelta, emptySessionDelta, touchSession, type AgentDelta, type SessionDelta } from '../../core/sessionDelta.js';
import { addTotals, claimRequest, requestKeyString, type SessionStart, type RequestRecord } from '../../core/accounting.js';
import { KNOWN_LINE_TYPES } from '../../core/entry.js';
import { mergeActivity } from '../activity.js';
import { usageSinceParams, usageSinceRows, usageSinceSql } from '../usage.js';
import type { TranscriptEntry } from '../../core/entry.js';
import { OFFSET_MOVED, type AppliedBatch, type IngestBatch, type RequestChange, type SessionTotals, type SourceState, type Store } from '../repository.js';
import { sqliteLimits } from './limitQueries.js';
import { openReadOnlyDatabase, openWritableDatabase } from './openDatabase.js';
import { healthReport, listProjects, listSessions, sessionMessages, sessionPage, sessionSummary } from './readQueries.js';
import { toModelTotals } from '../modelTotals.js';
import { toStoredMessage } from '../messageRows.js';
import { toTotals } from '../sessionRows.js';
import { toStoredFile, type SourceRow } from '../sourceRows.js';
import { oneRow, prepareStatements, type Statements } from './statements.js';
import { usageBuckets, usageRequests } from './usageQueries.js';
import { toRequestRecord } from '../requestRows.js';


/**
 * Opens the embedded store in `dataDir`: creating and migrating it, or with `readOnly` (reports on
 * a data dir they may not write to) only reading what is there. With `maxBytes`, this connection
 * lets the file grow to about that size (PRAGMA max_page_count): past it a write fails with
 * SQLITE_FULL, as on a full disk.
 */
export function openSqliteStore(dataDir: string, options: { readOnly?: boolean; maxBytes?: number | null } = {}): Store {
  const db = options.readOnly ? openReadOnlyDatabase(dataDir) : openWritableDatabase(dataDir, options.maxBytes);
  const st = prepareStatements(db);
  const selectUsage = usageRequests(db);
  const selectBuckets = usageBuckets(db);
  const registerSources = db.transaction((refs: { claudeDir: string; relPath: string }[]) =>
    refs.map(({ claudeDir, relPath }) => {
      st.insertSource.run(claudeDir, relPath);
      return toSource(oneRow(st.selectSource.get(claudeDir, relPath)));
    }),
  );
  const apply = db.transaction((batches: IngestBatch[]) => {
    // Totals are summed over the whole group and written once per session and agent.
    const group = new GroupDelta();
    const applied: AppliedBatch = { newEntries: [], requestChanges: [], problems: 0, sessions: [] };
    for (const batch of batches) applyBatchSync(st, batch, group, applied);
    applied.sessions = group.write(st);
    return applied;
  });

  return {
    ...sqliteLimits(db),
    async storedFiles(claudeDirs) {
      return st.storedFiles.all(JSON.stringify(claudeDirs)).map(toStoredFile);
    },
    async sources(refs) {
      // Known files (every read but a file's first) need no write transaction: the live watcher
      // asks once per read, and BEGIN/INSERT OR IGNORE/COMMIT each time was a visible share of
      // serve's CPU (figures: docs/ingest.md, "Reading under load").
      const known = refs.map(({ claudeDir, relPath }) => st.selectSource.get(claudeDir, relPath));
      if (known.every((row) => row !== undefined)) return known.map(toSource);
      return registerSources(refs);
    },
    async applyBatches(batches) {
      // IMMEDIATE takes the write lock up front: backfill workers write through their own connections.
      return apply.immediate(batches);
    },
    async recordFileProblem(claudeDir, relPath, kind, detail) {
      st.insertProblem.run(claudeDir, relPath, null, -1, kind, detail, new Date().toISOString());
    },
    async sessions(filter) {
      return listSessions(db, st, filter ?? {});
    },
    async projects() {
      return listProjects(st);
    },
    async sessionPage(query) {
      return sessionPage(st, query);
    },
    async sessionSummary(sessionId) {
      const row = st.sessionById.get(sessionId);
      return row ? sessionSummary(st, row) : undefined;
    },
    async sessionTotals(sinceIso) {
      return st.activeSessions.all(sinceIso).map(toTotals);
    },
    async session(sessionId) {
      const row = st.sessionById.get(sessionId);
      return row ? toTotals(row) : undefined;
    },
    async sessionModels(sessionId) {
      return st.modelsOfSession.all(sessionId).map((r) => r.model);
    },
    async sessionModelTotals(sessionId) {
      return st.modelTotalsOfSession.all(sessionId).map(toModelTotals);
    },
    async activitySince(sinceIso) {
      return mergeActivity(
        st.messagesPerSecond.all(sinceIso),
        st.requestsPerSecond.all(sinceIso),
      );
    },
    async usageSince(sinces) {
      if (sinces.length === 0) return [];
      const params = Object.fromEntries(usageSinceParams(sinces).map((v, i) => [`p${i + 1}`, v]));
      const row = db.prepare<[Record<string, string>], Record<string, unknown>>(usageSinceSql(sinces.length, (n) => `@p${n}`)).get(params);
      return usageSinceRows(oneRow(row), sinces.length);
    },
    async recentMessages(sessionId, limit) {
      return st.recentMessages.all(sessionId, limit).reverse().map(toStoredMessage);
    },
    async messages(sessionId, page) {
      return sessionMessages(st, sessionId, page);
    },
    async message(sessionId, uuid) {
      const row = st.sessionMessage.get(sessionId, uuid);
      return row && toStoredMessage(row);
    },
    async health(limit) {
      return healthReport(st, limit);
    },
    async usageRequests(query) {
      return selectUsage(query);
    },
    async usageBuckets(query) {
      return selectBuckets(query);
    },
    async counts() {
      return oneRow(st.counts.get());
    },
    // A file, not a connection: nothing it acknowledged goes missing behind a reader's back.
    connectionLosses: () => 0,
    // One node per database file: every claude dir is this node's, for good.
    async claimSources(claim) {
      return claim.claudeDirs.map((claudeDir) => ({ claudeDir, owned: true, nodeId: claim.nodeId, expiresAt: null }));
    },
    async releaseSources() {},
    // One node: its live events go out from its memory or not at all, and no other node could send them.
    keepOutbox() {},
    async outboxNodes() {
      return [];
    },
    async sweepOutbox() {
      return [];
    },
    async close() {
      db.close();
    },
  };
}

function toSource(row: SourceRow): SourceState {
  return {
    id: row.id,
    claudeDir: row.claude_dir,
    relPath: row.rel_path,
    offset: row.byte_offset,
    lineCount: row.line_count,
    ino: row.ino,
    size: row.size,
    tail: row.tail,
  };
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
    const stored = st.sourceById.get(batch.sourceId);
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
