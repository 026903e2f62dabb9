import { EXTRA_SUMS, HAS_EXTRA, IS_UNPRICED, UNPRICED_SUMS } from '../extraCharges.js';
import type Database from 'better-sqlite3';
import { MODEL_TOTALS_SQL } from '../modelTotals.js';

type StatementName =
  | 'insertSource' | 'selectSource' | 'storedFiles' | 'sourceById' | 'advanceSource' | 'clearLineTypes'
  | 'upsertLineType' | 'insertMessage' | 'selectRequest' | 'insertRequest' | 'upsertRequest' | 'insertModel' | 'upsertSession'
  | 'activeSessions' | 'upsertProject' | 'upsertAgent' | 'upsertSubagentLink' | 'insertProblem' | 'sessionMessages' | 'sessionMessage' | 'sessionById' | 'modelsOfSession' | 'recentMessages' | 'messagesPerSecond' | 'requestsPerSecond' | 'allModels' | 'allAgents' | 'problemKinds'
  | 'unknownTypes' | 'listProblems' | 'counts'
  | 'projectTotals' | 'sessionPage' | 'pricedModelsOfSession' | 'agentsOfSession' | 'allExtras' | 'extrasOfSession' | 'allUnpriced' | 'unpricedOfSession' | 'mainThreadStart' | 'modelTotalsOfSession';

export type Statements = Record<StatementName, Database.Statement>;


/** Every statement the SQLite store runs more than once, prepared once. */
export function prepareStatements(db: Database.Database): Statements {
  return {
    insertSource: db.prepare('INSERT OR IGNORE INTO sources (claude_dir, rel_path) VALUES (?, ?)'),
    selectSource: db.prepare('SELECT * FROM sources WHERE claude_dir = ? AND rel_path = ?'),
    storedFiles: db.prepare('SELECT claude_dir, rel_path, byte_offset, ino, size, mtime_ms FROM sources WHERE claude_dir IN (SELECT value FROM json_each(?))'),
    sourceById: db.prepare('SELECT * FROM sources WHERE id = ?'),
    advanceSource: db.prepare('UPDATE sources SET byte_offset = ?, line_count = ?, tail = ?, ino = ?, size = ?, mtime_ms = ? WHERE id = ?'),
    clearLineTypes: db.prepare('DELETE FROM line_types WHERE source_id = ?'),
    upsertLineType: db.prepare(
      `INSERT INTO line_types (source_id, line_type, known, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (source_id, line_type) DO UPDATE SET count = count + excluded.count`,
    ),
    insertMessage: db.prepare(
      `INSERT OR IGNORE INTO messages (session_id, uuid, parent_uuid, agent_id, line_type, author, timestamp, preview,
         tool_names, is_sidechain, is_meta, model, source_id, byte_offset, byte_length, line_no)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selectRequest: db.prepare('SELECT * FROM requests WHERE message_id = ? AND request_id = ?'),
    insertRequest: db.prepare(
      `INSERT INTO requests (message_id, request_id, session_id, agent_id, model, timestamp, line_uuid,
         input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, fast, cost, cost_source,
         web_search_requests, web_fetch_requests, inference_geo, server_tool_cost, data_residency_cost, estimated_cost, estimate_basis, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, request_id) DO NOTHING`,
    ),
    upsertRequest: db.prepare(
      `INSERT OR REPLACE INTO requests (message_id, request_id, session_id, agent_id, model, timestamp, line_uuid,
         input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, fast, cost, cost_source,
         web_search_requests, web_fetch_requests, inference_geo, server_tool_cost, data_residency_cost, estimated_cost, estimate_basis, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertModel: db.prepare('INSERT OR IGNORE INTO session_models (session_id, model, priced) VALUES (?, ?, ?)'),
    upsertSession: db.prepare(
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
    activeSessions: db.prepare('SELECT * FROM sessions WHERE last_activity >= ? ORDER BY last_activity DESC'),
    upsertProject: db.prepare(
      `INSERT INTO projects (path, first_activity, last_activity) VALUES (?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET
         first_activity = MIN(COALESCE(projects.first_activity, excluded.first_activity), COALESCE(excluded.first_activity, projects.first_activity)),
         last_activity = MAX(COALESCE(projects.last_activity, excluded.last_activity), COALESCE(excluded.last_activity, projects.last_activity))`,
    ),
    upsertAgent: db.prepare(
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
    upsertSubagentLink: db.prepare(
      `INSERT INTO subagent_links (session_id, tool_use_id, subagent_type, agent_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
         subagent_type = COALESCE(excluded.subagent_type, subagent_links.subagent_type),
         agent_id = COALESCE(excluded.agent_id, subagent_links.agent_id)`,
    ),
    insertProblem: db.prepare(
      `INSERT OR IGNORE INTO problems (claude_dir, rel_path, line_no, byte_offset, kind, detail, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    sessionMessages: db.prepare(
      `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id
       WHERE m.session_id = ? AND (COALESCE(m.timestamp, '') > ? OR (COALESCE(m.timestamp, '') = ? AND m.id > ?))
       ORDER BY COALESCE(m.timestamp, ''), m.id LIMIT ?`,
    ),
    sessionMessage: db.prepare(
      `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id WHERE m.session_id = ? AND m.uuid = ?`,
    ),
    sessionById: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    modelsOfSession: db.prepare('SELECT model FROM session_models WHERE session_id = ? ORDER BY model'),
    messagesPerSecond: db.prepare(
      `SELECT substr(timestamp, 1, 19) AS at, count(*) AS messages FROM messages
       WHERE timestamp >= ? AND line_type IN ('user', 'assistant') GROUP BY at ORDER BY at`,
    ),
    requestsPerSecond: db.prepare(
      `SELECT substr(COALESCE(started_at, timestamp), 1, 19) AS at, sum(cost) AS cost,
              sum(input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens) AS tokens
       FROM requests WHERE COALESCE(started_at, timestamp) >= ? GROUP BY at ORDER BY at`,
    ),
    recentMessages: db.prepare(
      `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id
       WHERE m.session_id = ? AND m.line_type IN ('user', 'assistant')
       ORDER BY COALESCE(m.timestamp, '') DESC, m.id DESC LIMIT ?`,
    ),
    allModels: db.prepare('SELECT session_id, model, priced FROM session_models ORDER BY session_id, model'),
    allAgents: db.prepare('SELECT * FROM agents ORDER BY session_id, agent_id'),
    problemKinds: db.prepare('SELECT kind, COUNT(*) AS n FROM problems GROUP BY kind ORDER BY kind'),
    unknownTypes: db.prepare('SELECT line_type, SUM(count) AS n FROM line_types WHERE known = 0 GROUP BY line_type'),
    listProblems: db.prepare('SELECT * FROM problems ORDER BY id DESC LIMIT ?'),
    counts: db.prepare(
      `SELECT (SELECT COUNT(*) FROM sources) AS files,
              (SELECT COALESCE(SUM(line_count), 0) FROM sources) AS lines,
              (SELECT COUNT(*) FROM sessions) AS sessions,
              (SELECT COUNT(*) FROM requests) AS requests,
              (SELECT COUNT(*) FROM problems) AS problems`,
    ),
    projectTotals: db.prepare(
      `SELECT project_path AS path, COUNT(*) AS sessions, SUM(message_count) AS messages,
              SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens) AS tokens, SUM(cost) AS cost,
              MIN(first_activity) AS first_activity, MAX(last_activity) AS last_activity
       FROM sessions WHERE project_path IS NOT NULL
       GROUP BY project_path ORDER BY COALESCE(MAX(last_activity), '') DESC, project_path`,
    ),
    // Keyed on (last activity, id), not an offset: sessions inserted or moved meanwhile never shift a page.
    // '' stands for no activity time, which sorts last. Optional filters are NULL when unset.
    sessionPage: db.prepare(
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
    pricedModelsOfSession: db.prepare('SELECT model, priced FROM session_models WHERE session_id = ? ORDER BY model'),
    modelTotalsOfSession: db.prepare(MODEL_TOTALS_SQL.replace('$1', '?')),
    agentsOfSession: db.prepare("SELECT * FROM agents WHERE session_id = ? AND agent_id <> '' ORDER BY agent_id"),
    // Asked only for a request found in two sessions (core/accounting.ts, claimRequest).
    mainThreadStart: db.prepare('SELECT MIN(timestamp) AS at FROM messages WHERE session_id = ? AND is_sidechain = 0'),
    allUnpriced: db.prepare(`SELECT ${UNPRICED_SUMS} FROM requests WHERE ${IS_UNPRICED} GROUP BY session_id, model`),
    unpricedOfSession: db.prepare(`SELECT ${UNPRICED_SUMS} FROM requests WHERE ${IS_UNPRICED} AND session_id = ? GROUP BY session_id, model`),
    allExtras: db.prepare(`SELECT ${EXTRA_SUMS} FROM requests WHERE ${HAS_EXTRA} GROUP BY session_id`),
    extrasOfSession: db.prepare(`SELECT ${EXTRA_SUMS} FROM requests WHERE ${HAS_EXTRA} AND session_id = ? GROUP BY session_id`),
  };
}


