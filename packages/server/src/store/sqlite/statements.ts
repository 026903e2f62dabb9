import type Database from 'better-sqlite3';
import { EXTRA_SUMS, HAS_EXTRA, IS_UNPRICED, UNPRICED_SUMS, type ExtraRow, type UnpricedRow } from '../extraCharges.js';
import type { MessageRow } from '../messageRows.js';
import { MODEL_TOTALS_SQL, type ModelTotalsRow } from '../modelTotals.js';
import type { StoreCounts } from '../repository.js';
import type { RequestRow } from '../requestRows.js';
import type { AgentRow, ModelRow, ProjectRow, SessionRow } from '../sessionRows.js';
import type { ProblemRow, SourceRow, StoredFileRow } from '../sourceRows.js';

/** Every file stored under some claude dirs (a JSON array), as a start-up read compares them with the disk. */
export const STORED_FILES_SQL = 'SELECT claude_dir, rel_path, byte_offset, ino, size, mtime_ms FROM sources WHERE claude_dir IN (SELECT value FROM json_each(?))';

// The write statements with many columns, in their VALUES order. SQLite has no booleans: 0 or 1.
type MessageValues = [
  sessionId: string | null, uuid: string | null, parentUuid: string | null, agentId: string, lineType: string, author: string | null, timestamp: string | null,
  preview: string, toolNames: string | null, isSidechain: 0 | 1, isMeta: 0 | 1, model: string | null, sourceId: number, byteOffset: number,
  byteLength: number, lineNo: number,
];
type RequestValues = [
  messageId: string, requestId: string, sessionId: string, agentId: string, model: string, timestamp: string | null, lineUuid: string | null,
  inputTokens: number, outputTokens: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, fast: 0 | 1, cost: number,
  costSource: string, webSearchRequests: number, webFetchRequests: number, inferenceGeo: string, serverToolCost: number,
  dataResidencyCost: number, estimatedCost: number | null, estimateBasis: string | null, startedAt: string | null,
];
type SessionValues = [
  id: string, projectPath: string | null, projectIsMain: 0 | 1, first: string | null, last: string | null, messages: number, toolUses: number,
  requests: number, inputTokens: number, outputTokens: number, cacheCreationTokens: number, cacheReadTokens: number, cost: number,
];
type AgentValues = [
  sessionId: string, agentId: string, messages: number, requests: number, inputTokens: number, outputTokens: number,
  cacheCreationTokens: number, cacheReadTokens: number, cost: number,
];
// A line's problem takes its file's path from the source row, read back; better-sqlite3 binds undefined as NULL.
type ProblemValues = [claudeDir: string | undefined, relPath: string | undefined, lineNo: number | null, byteOffset: number, kind: string, detail: string, seenAt: string];
/** sessionPage's named parameters; the optional filters are NULL when unset. */
interface SessionPageValues {
  project: string | null;
  since: string | null;
  until: string | null;
  only: string | null;
  except: string | null;
  afterTime: string;
  afterId: string | null;
  limit: number;
}

/**
 * What the store calls on a prepared statement, typed by what it binds (positional values, or
 * one object of named ones) and the row it returns. better-sqlite3's own statement type
 * has the same methods but cannot be named in this module's declarations.
 */
export interface Statement<Bind extends unknown[], Row = unknown> {
  run(...params: Bind): Database.RunResult;
  get(...params: Bind): Row | undefined;
  all(...params: Bind): Row[];
  /** The SQL it was prepared from (tests EXPLAIN it). */
  readonly source: string;
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Every statement the SQLite store runs more than once, prepared once and typed: what it binds, the row it returns. */
export function prepareStatements(db: Database.Database) {
  const prepare = <Bind extends unknown[], Row = unknown>(sql: string): Statement<Bind, Row> => db.prepare<Bind, Row>(sql);
  return {
    insertSource: prepare<[claudeDir: string, relPath: string]>('INSERT OR IGNORE INTO sources (claude_dir, rel_path) VALUES (?, ?)'),
    selectSource: prepare<[claudeDir: string, relPath: string], SourceRow>('SELECT * FROM sources WHERE claude_dir = ? AND rel_path = ?'),
    storedFiles: prepare<[claudeDirsJson: string], StoredFileRow>(STORED_FILES_SQL),
    sourceById: prepare<[sourceId: number], SourceRow>('SELECT * FROM sources WHERE id = ?'),
    sourceOffset: prepare<[sourceId: number], { byte_offset: number }>('SELECT byte_offset FROM sources WHERE id = ?'),
    advanceSource: prepare<[offset: number, lineCount: number, tail: Buffer, ino: number, size: number, mtimeMs: number, sourceId: number]>('UPDATE sources SET byte_offset = ?, line_count = ?, tail = ?, ino = ?, size = ?, mtime_ms = ? WHERE id = ?'),
    clearLineTypes: prepare<[sourceId: number]>('DELETE FROM line_types WHERE source_id = ?'),
    upsertLineType: prepare<[sourceId: number, lineType: string, known: 0 | 1, count: number]>(
      `INSERT INTO line_types (source_id, line_type, known, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (source_id, line_type) DO UPDATE SET count = count + excluded.count`,
    ),
    insertMessage: prepare<MessageValues>(
      `INSERT OR IGNORE INTO messages (session_id, uuid, parent_uuid, agent_id, line_type, author, timestamp, preview,
         tool_names, is_sidechain, is_meta, model, source_id, byte_offset, byte_length, line_no)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectRequest: prepare<[messageId: string, requestId: string], RequestRow>('SELECT * FROM requests WHERE message_id = ? AND request_id = ?'),
    insertRequest: prepare<RequestValues>(
      `INSERT INTO requests (message_id, request_id, session_id, agent_id, model, timestamp, line_uuid,
         input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, fast, cost, cost_source,
         web_search_requests, web_fetch_requests, inference_geo, server_tool_cost, data_residency_cost, estimated_cost, estimate_basis, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, request_id) DO NOTHING`,
    ),
    upsertRequest: prepare<RequestValues>(
      `INSERT OR REPLACE INTO requests (message_id, request_id, session_id, agent_id, model, timestamp, line_uuid,
         input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, fast, cost, cost_source,
         web_search_requests, web_fetch_requests, inference_geo, server_tool_cost, data_residency_cost, estimated_cost, estimate_basis, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertModel: prepare<[sessionId: string, model: string, priced: 0 | 1]>('INSERT OR IGNORE INTO session_models (session_id, model, priced) VALUES (?, ?, ?)'),
    upsertSession: prepare<SessionValues, SessionRow>(
      `INSERT INTO sessions (id, project_path, project_is_main, first_activity, last_activity, message_count, tool_use_count,
         request_count, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         project_path = CASE WHEN sessions.project_path IS NULL OR (sessions.project_is_main = 0 AND excluded.project_is_main = 1)
                             THEN COALESCE(excluded.project_path, sessions.project_path) ELSE sessions.project_path END,
         project_is_main = MAX(sessions.project_is_main, excluded.project_is_main),
         first_activity = CASE WHEN sessions.first_activity IS NULL OR excluded.first_activity < sessions.first_activity
                               THEN excluded.first_activity ELSE sessions.first_activity END,
         last_activity = CASE WHEN sessions.last_activity IS NULL OR excluded.last_activity > sessions.last_activity
                              THEN excluded.last_activity ELSE sessions.last_activity END,
         message_count = sessions.message_count + excluded.message_count,
         tool_use_count = sessions.tool_use_count + excluded.tool_use_count,
         request_count = sessions.request_count + excluded.request_count,
         input_tokens = sessions.input_tokens + excluded.input_tokens,
         output_tokens = sessions.output_tokens + excluded.output_tokens,
         cache_creation_tokens = sessions.cache_creation_tokens + excluded.cache_creation_tokens,
         cache_read_tokens = sessions.cache_read_tokens + excluded.cache_read_tokens,
         cost = sessions.cost + excluded.cost
       RETURNING *`,
    ),
    activeSessions: prepare<[sinceIso: string], SessionRow>('SELECT * FROM sessions WHERE last_activity >= ? ORDER BY last_activity DESC'),
    upsertProject: prepare<[path: string, first: string | null, last: string | null]>(
      `INSERT INTO projects (path, first_activity, last_activity) VALUES (?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET
         first_activity = MIN(COALESCE(projects.first_activity, excluded.first_activity), COALESCE(excluded.first_activity, projects.first_activity)),
         last_activity = MAX(COALESCE(projects.last_activity, excluded.last_activity), COALESCE(excluded.last_activity, projects.last_activity))`,
    ),
    upsertAgent: prepare<AgentValues>(
      `INSERT INTO agents (session_id, agent_id, message_count, request_count, input_tokens, output_tokens,
         cache_creation_tokens, cache_read_tokens, cost)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, agent_id) DO UPDATE SET
         message_count = agents.message_count + excluded.message_count,
         request_count = agents.request_count + excluded.request_count,
         input_tokens = agents.input_tokens + excluded.input_tokens,
         output_tokens = agents.output_tokens + excluded.output_tokens,
         cache_creation_tokens = agents.cache_creation_tokens + excluded.cache_creation_tokens,
         cache_read_tokens = agents.cache_read_tokens + excluded.cache_read_tokens,
         cost = agents.cost + excluded.cost`,
    ),
    // Each half of the link (docs/usage.md) fills its own column; a later line never erases one.
    upsertSubagentLink: prepare<[sessionId: string, toolUseId: string, subagentType: string | null, agentId: string | null]>(
      `INSERT INTO subagent_links (session_id, tool_use_id, subagent_type, agent_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
         subagent_type = COALESCE(excluded.subagent_type, subagent_links.subagent_type),
         agent_id = COALESCE(excluded.agent_id, subagent_links.agent_id)`,
    ),
    insertProblem: prepare<ProblemValues>(
      `INSERT OR IGNORE INTO problems (claude_dir, rel_path, line_no, byte_offset, kind, detail, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    sessionMessages: prepare<[sessionId: string, afterTime: string, sameTime: string, afterId: number, limit: number], MessageRow>(
      `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id
       WHERE m.session_id = ? AND (COALESCE(m.timestamp, '') > ? OR (COALESCE(m.timestamp, '') = ? AND m.id > ?))
       ORDER BY COALESCE(m.timestamp, ''), m.id LIMIT ?`,
    ),
    sessionMessage: prepare<[sessionId: string, uuid: string], MessageRow>(
      `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id WHERE m.session_id = ? AND m.uuid = ?`,
    ),
    sessionById: prepare<[sessionId: string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
    modelsOfSession: prepare<[sessionId: string], Pick<ModelRow, 'model'>>('SELECT model FROM session_models WHERE session_id = ? ORDER BY model'),
    // Through the sessions active since then (a session's last activity is its latest line's time):
    // no index serves a time range of messages, and every start scanned them all (activitySince).
    messagesPerSecond: prepare<[sinceIso: string, sinceAgain: string], { at: string; messages: number }>(
      `SELECT substr(timestamp, 1, 19) AS at, count(*) AS messages FROM messages
       WHERE session_id IN (SELECT id FROM sessions WHERE last_activity >= ?)
         AND timestamp >= ? AND line_type IN ('user', 'assistant') GROUP BY at ORDER BY at`,
    ),
    // Through their start's index (requests_started, migration 7), as they are dated here.
    requestsPerSecond: prepare<[sinceIso: string], { at: string; cost: number; tokens: number }>(
      `SELECT substr(COALESCE(started_at, timestamp), 1, 19) AS at, sum(cost) AS cost,
              sum(input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens) AS tokens
       FROM requests WHERE COALESCE(started_at, timestamp) >= ? GROUP BY at ORDER BY at`,
    ),
    recentMessages: prepare<[sessionId: string, limit: number], MessageRow>(
      `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id
       WHERE m.session_id = ? AND m.line_type IN ('user', 'assistant')
       ORDER BY COALESCE(m.timestamp, '') DESC, m.id DESC LIMIT ?`,
    ),
    allModels: prepare<[], ModelRow>('SELECT session_id, model, priced FROM session_models ORDER BY session_id, model'),
    allAgents: prepare<[], AgentRow>('SELECT * FROM agents ORDER BY session_id, agent_id'),
    problemKinds: prepare<[], { kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM problems GROUP BY kind ORDER BY kind'),
    unknownTypes: prepare<[], { line_type: string; n: number }>('SELECT line_type, SUM(count) AS n FROM line_types WHERE known = 0 GROUP BY line_type'),
    listProblems: prepare<[limit: number], ProblemRow>('SELECT * FROM problems ORDER BY id DESC LIMIT ?'),
    counts: prepare<[], StoreCounts>(
      `SELECT (SELECT COUNT(*) FROM sources) AS files,
              (SELECT COALESCE(SUM(line_count), 0) FROM sources) AS lines,
              (SELECT COUNT(*) FROM sessions) AS sessions,
              (SELECT COUNT(*) FROM requests) AS requests,
              (SELECT COUNT(*) FROM problems) AS problems`,
    ),
    projectTotals: prepare<[], ProjectRow>(
      `SELECT project_path AS path, COUNT(*) AS sessions, SUM(message_count) AS messages,
              SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) AS tokens, SUM(cost) AS cost,
              MIN(first_activity) AS first_activity, MAX(last_activity) AS last_activity
       FROM sessions WHERE project_path IS NOT NULL
       GROUP BY project_path ORDER BY COALESCE(MAX(last_activity), '') DESC, project_path`,
    ),
    // Keyed on (last activity, id), not an offset: sessions inserted or moved meanwhile never shift a page.
    // '' stands for no activity time, which sorts last. Optional filters are NULL when unset.
    sessionPage: prepare<[SessionPageValues], SessionRow>(
      `SELECT * FROM sessions
       WHERE (@project IS NULL OR project_path = @project)
         AND (@since IS NULL OR last_activity >= @since)
         AND (@until IS NULL OR last_activity < @until)
         AND (@only IS NULL OR id IN (SELECT value FROM json_each(@only)))
         AND (@except IS NULL OR id NOT IN (SELECT value FROM json_each(@except)))
         AND (@afterId IS NULL OR (COALESCE(last_activity, ''), id) < (@afterTime, @afterId))
       ORDER BY COALESCE(last_activity, '') DESC, id DESC
       LIMIT @limit`,
    ),
    pricedModelsOfSession: prepare<[sessionId: string], Pick<ModelRow, 'model' | 'priced'>>('SELECT model, priced FROM session_models WHERE session_id = ? ORDER BY model'),
    modelTotalsOfSession: prepare<[sessionId: string], ModelTotalsRow>(MODEL_TOTALS_SQL.replace('$1', '?')),
    agentsOfSession: prepare<[sessionId: string], AgentRow>("SELECT * FROM agents WHERE session_id = ? AND agent_id <> '' ORDER BY agent_id"),
    // Asked only for a request found in two sessions (core/accounting.ts, claimRequest).
    mainThreadStart: prepare<[sessionId: string], { at: string | null }>('SELECT MIN(timestamp) AS at FROM messages WHERE session_id = ? AND is_sidechain = 0'),
    allUnpriced: prepare<[], UnpricedRow>(`SELECT ${UNPRICED_SUMS} FROM requests WHERE ${IS_UNPRICED} GROUP BY session_id, model`),
    unpricedOfSession: prepare<[sessionId: string], UnpricedRow>(`SELECT ${UNPRICED_SUMS} FROM requests WHERE ${IS_UNPRICED} AND session_id = ? GROUP BY session_id, model`),
    allExtras: prepare<[], ExtraRow>(`SELECT ${EXTRA_SUMS} FROM requests WHERE ${HAS_EXTRA} GROUP BY session_id`),
    extrasOfSession: prepare<[sessionId: string], ExtraRow>(`SELECT ${EXTRA_SUMS} FROM requests WHERE ${HAS_EXTRA} AND session_id = ? GROUP BY session_id`),
  };
}

/** The row of a statement that always returns one: an aggregate without GROUP BY, an upsert's RETURNING, a row just inserted. */
export function oneRow<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('the statement returned no row');
  return row;
}
