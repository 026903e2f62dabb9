import { extraBySession, NO_EXTRA_CHARGES, unpricedBySession, type ExtraCharges, type ExtraRow, type UnpricedRow, type UnpricedUsage } from '../extraCharges.js';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { HealthReport, SessionSummary } from '@claudelens/protocol';
import { storedCost, type ProjectTotals, type SessionFilter, type SessionPageQuery, type SessionTotals, type StoreCounts, type StoredMessage } from '../repository.js';
import type { Statements } from './statements.js';

// The read side of the SQLite store: rows mapped to domain values, and the report and
// dashboard queries. The write path (sqliteStore.ts) reuses the row mappers.

export interface SessionRow {
  id: string;
  project_path: string | null;
  first_activity: string | null;
  last_activity: string | null;
  message_count: number;
  tool_use_count: number;
  request_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  cost: number;
}

interface AgentRow {
  session_id: string;
  agent_id: string;
  request_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  cost: number;
}

export interface MessageRow {
  id: number;
  uuid: string;
  parent_uuid: string | null;
  agent_id: string;
  line_type: string;
  author: string | null;
  timestamp: string | null;
  preview: string;
  tool_names: string | null;
  is_sidechain: number;
  is_meta: number;
  model: string | null;
  claude_dir: string;
  rel_path: string;
  byte_offset: number;
  byte_length: number;
}

export function toTotals(row: SessionRow): SessionTotals {
  return {
    sessionId: row.id,
    projectPath: row.project_path,
    firstActivity: row.first_activity,
    lastActivity: row.last_activity,
    messageCount: row.message_count,
    toolUseCount: row.tool_use_count,
    requests: row.request_count,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cost: storedCost(row.cost),
  };
}

export function listSessions(db: Database.Database, st: Statements, filter: SessionFilter): SessionSummary[] {
  const rows = db
    .prepare(
      `SELECT * FROM sessions
       WHERE (@project IS NULL OR project_path = @project OR project_path LIKE '%' || @project || '%')
         AND (@since IS NULL OR last_activity >= @since)
       ORDER BY last_activity DESC, id`,
    )
    .all({ project: filter.project ?? null, since: filter.since ?? null }) as SessionRow[];
  const models = new Map<string, { model: string; priced: number }[]>();
  for (const m of st.allModels.all() as { session_id: string; model: string; priced: number }[]) {
    const list = models.get(m.session_id) ?? [];
    list.push(m);
    models.set(m.session_id, list);
  }
  const agents = new Map<string, AgentRow[]>();
  for (const a of st.allAgents.all() as AgentRow[]) {
    if (a.agent_id === '') continue;
    const list = agents.get(a.session_id) ?? [];
    list.push(a);
    agents.set(a.session_id, list);
  }
  const extras = extraBySession(st.allExtras.all() as ExtraRow[]);
  const unpriced = unpricedBySession(st.allUnpriced.all() as UnpricedRow[]);
  return rows.map((row) => toSummary(row, models.get(row.id) ?? [], agents.get(row.id) ?? [], extras.get(row.id), unpriced.get(row.id)));
}

/** Project totals from the sessions table, so that they always agree with the session list. */
export function listProjects(st: Statements): ProjectTotals[] {
  const rows = st.projectTotals.all() as { path: string; sessions: number; messages: number; tokens: number; cost: number; first_activity: string | null; last_activity: string | null }[];
  return rows.map((r) => ({
    path: r.path,
    sessions: r.sessions,
    messages: r.messages,
    tokens: r.tokens,
    cost: r.cost,
    firstActivity: r.first_activity,
    lastActivity: r.last_activity,
  }));
}

export function sessionPage(st: Statements, query: SessionPageQuery): SessionSummary[] {
  const rows = st.sessionPage.all({
    project: query.project ?? null,
    since: query.since ?? null,
    until: query.until ?? null,
    only: query.onlyIds ? JSON.stringify(query.onlyIds) : null,
    except: query.exceptIds ? JSON.stringify(query.exceptIds) : null,
    afterTime: query.after?.lastActivity ?? '',
    afterId: query.after?.sessionId ?? null,
    limit: query.limit,
  }) as SessionRow[];
  return rows.map((row) => sessionSummary(st, row));
}

export function sessionSummary(st: Statements, row: SessionRow): SessionSummary {
  const extras = extraBySession(st.extrasOfSession.all(row.id) as ExtraRow[]);
  const unpriced = unpricedBySession(st.unpricedOfSession.all(row.id) as UnpricedRow[]);
  return toSummary(row, st.pricedModelsOfSession.all(row.id) as { model: string; priced: number }[], st.agentsOfSession.all(row.id) as AgentRow[], extras.get(row.id), unpriced.get(row.id));
}

function toSummary(row: SessionRow, models: { model: string; priced: number }[], agents: AgentRow[], extra: ExtraCharges | undefined, unpriced: UnpricedUsage[] | undefined): SessionSummary {
  return {
    sessionId: row.id,
    projectPath: row.project_path,
    firstActivity: row.first_activity,
    lastActivity: row.last_activity,
    messageCount: row.message_count,
    toolUseCount: row.tool_use_count,
    requests: row.request_count,
    models: models.map((m) => m.model),
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
    totalCost: storedCost(row.cost),
    unpricedModels: models.filter((m) => !m.priced).map((m) => m.model),
    extraCharges: extra ?? NO_EXTRA_CHARGES,
    unpriced: unpriced ?? [],
    agents: agents.map((a) => ({
      agentId: a.agent_id,
      requests: a.request_count,
      inputTokens: a.input_tokens,
      outputTokens: a.output_tokens,
      cacheCreationTokens: a.cache_creation_tokens,
      cacheReadTokens: a.cache_read_tokens,
      totalCost: storedCost(a.cost),
    })),
  };
}

export function healthReport(st: Statements, limit: number): HealthReport {
  const counts = st.counts.get() as StoreCounts;
  const problemsByKind: Record<string, number> = {};
  for (const row of st.problemKinds.all() as { kind: string; n: number }[]) problemsByKind[row.kind] = row.n;
  const unknownLineTypes: Record<string, number> = {};
  for (const row of st.unknownTypes.all() as { line_type: string; n: number }[]) unknownLineTypes[row.line_type] = row.n;
  const problems = (st.listProblems.all(limit) as { claude_dir: string; rel_path: string; line_no: number | null; byte_offset: number; kind: string; detail: string; seen_at: string }[]).map((p) => ({
    file: path.join(p.claude_dir, 'projects', p.rel_path),
    line: p.line_no,
    byteOffset: p.byte_offset < 0 ? null : p.byte_offset,
    kind: p.kind,
    detail: p.detail,
    seenAt: p.seen_at,
  }));
  return { files: counts.files, lines: counts.lines, problemsByKind, unknownLineTypes, problems };
}

/** Cursor: `<timestamp>|<id>`; lines without a timestamp sort first. */
export function sessionMessages(st: Statements, sessionId: string, page: { after?: string; limit: number }): StoredMessage[] {
  const [afterTime = '', afterId = '0'] = page.after?.split('|') ?? [];
  const rows = st.sessionMessages.all(sessionId, afterTime, afterTime, Number(afterId) || 0, page.limit) as MessageRow[];
  return rows.map(toStoredMessage);
}

export function toStoredMessage(r: MessageRow): StoredMessage {
  return {
    cursor: `${r.timestamp ?? ''}|${r.id}`,
    uuid: r.uuid,
    parentUuid: r.parent_uuid,
    agentId: r.agent_id,
    lineType: r.line_type,
    author: r.author,
    timestamp: r.timestamp,
    preview: r.preview,
    toolNames: r.tool_names ? r.tool_names.split(',') : [],
    isSidechain: r.is_sidechain === 1,
    isMeta: r.is_meta === 1,
    model: r.model,
    location: { claudeDir: r.claude_dir, relPath: r.rel_path, byteOffset: r.byte_offset, byteLength: r.byte_length },
  };
}
