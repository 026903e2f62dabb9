import { mergeActivity } from '../activity.js';
import { EXTRA_SUMS, extraBySession, HAS_EXTRA, IS_UNPRICED, UNPRICED_SUMS, unpricedBySession, type ExtraRow, type UnpricedRow } from '../extraCharges.js';
import type { Pool } from 'pg';
import type { HealthReport, ModelTotals, SessionSummary } from '@claudelens/protocol';
import { MODEL_TOTALS_SQL, toModelTotals, type ModelTotalsRow } from '../modelTotals.js';
import type { ActivitySecond, ProjectTotals, SessionFilter, SessionPageQuery, SessionTotals, StoreCounts, StoredMessage, UsageTotals } from '../repository.js';
import { usageSinceParams, usageSinceRows, usageSinceSql } from '../usage.js';
import { toStoredMessage, type MessageRow } from '../messageRows.js';
import { toProjectTotals, toSummary, toTotals, type AgentRow, type ModelRow, type ProjectRow, type SessionRow } from '../sessionRows.js';
import { toHealthProblem, type ProblemRow } from '../sourceRows.js';
import { pgText } from './pgText.js';

// The read side of the PostgreSQL store: the same queries as sqlite/readQueries.ts, in
// PostgreSQL's dialect. Where SQLite and PostgreSQL differ by default, the SQL says so: NULLs
// sort last in a descending order (NULLS LAST), and LIKE is case-insensitive for ASCII only
// (ILIKE on "C" text) with no escape character.

export async function listSessions(pool: Pool, filter: SessionFilter): Promise<SessionSummary[]> {
  const { rows } = await pool.query<SessionRow>({
    name: 'list-sessions',
    text: `SELECT * FROM sessions
           WHERE ($1::text IS NULL OR project_path = $1 OR project_path ILIKE '%' || $1 || '%' ESCAPE '')
             AND ($2::text IS NULL OR last_activity >= $2)
           ORDER BY last_activity DESC NULLS LAST, id`,
    values: [filter.project === undefined ? null : pgText(filter.project), filter.since ?? null],
  });
  const [models, agents, extras, unpriced] = await Promise.all([
    pool.query<ModelRow>({ name: 'all-models', text: 'SELECT session_id, model, priced FROM session_models ORDER BY session_id, model' }),
    pool.query<AgentRow>({ name: 'all-agents', text: "SELECT * FROM agents WHERE agent_id <> '' ORDER BY session_id, agent_id" }),
    pool.query<ExtraRow>({ name: 'all-extras', text: `SELECT ${EXTRA_SUMS} FROM requests WHERE ${HAS_EXTRA} GROUP BY session_id` }),
    pool.query<UnpricedRow>({ name: 'all-unpriced', text: `SELECT ${UNPRICED_SUMS} FROM requests WHERE ${IS_UNPRICED} GROUP BY session_id, model` }),
  ]);
  return withDetails(rows, models.rows, agents.rows, extras.rows, unpriced.rows);
}

/** Summaries of these sessions, with the models, agents and extra charges of each. */
function withDetails(rows: SessionRow[], models: ModelRow[], agents: AgentRow[], extras: ExtraRow[], unpriced: UnpricedRow[]): SessionSummary[] {
  const modelsOf = groupBy(models);
  const agentsOf = groupBy(agents);
  const extraOf = extraBySession(extras);
  const unpricedOf = unpricedBySession(unpriced);
  return rows.map((row) => toSummary(row, modelsOf.get(row.id) ?? [], agentsOf.get(row.id) ?? [], extraOf.get(row.id), unpricedOf.get(row.id)));
}

function groupBy<T extends { session_id: string }>(rows: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.session_id);
    if (list) list.push(row);
    else map.set(row.session_id, [row]);
  }
  return map;
}

/** Project totals from the sessions table, so that they always agree with the session list. */
export async function listProjects(pool: Pool): Promise<ProjectTotals[]> {
  const { rows } = await pool.query<ProjectRow>({
    name: 'project-totals',
    text: `SELECT project_path AS path, COUNT(*) AS sessions, SUM(message_count)::bigint AS messages,
                  SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens)::bigint AS tokens, SUM(cost) AS cost,
                  MIN(first_activity) AS first_activity, MAX(last_activity) AS last_activity
           FROM sessions WHERE project_path IS NOT NULL
           GROUP BY project_path ORDER BY COALESCE(MAX(last_activity), '') DESC, project_path`,
  });
  return rows.map(toProjectTotals);
}

/** Keyed on (last activity, id), not an offset: sessions inserted or moved meanwhile never shift a page. */
export async function sessionPage(pool: Pool, query: SessionPageQuery): Promise<SessionSummary[]> {
  const { rows } = await pool.query<SessionRow>({
    name: 'session-page',
    // '' stands for no activity time, which sorts last. Optional filters are NULL when unset.
    text: `SELECT * FROM sessions
           WHERE ($1::text IS NULL OR project_path = $1)
             AND ($2::text IS NULL OR last_activity >= $2)
             AND ($3::text IS NULL OR last_activity < $3)
             AND ($4::text[] IS NULL OR id = ANY($4::text[]))
             AND ($5::text[] IS NULL OR NOT (id = ANY($5::text[])))
             AND ($7::text IS NULL OR (COALESCE(last_activity, ''), id) < ($6::text COLLATE "C", $7::text COLLATE "C"))
           ORDER BY COALESCE(last_activity, '') DESC, id DESC
           LIMIT $8`,
    values: [
      query.project === undefined ? null : pgText(query.project),
      query.since ?? null,
      query.until ?? null,
      query.onlyIds?.map(pgText) ?? null,
      query.exceptIds?.map(pgText) ?? null,
      query.after?.lastActivity ?? '',
      query.after ? pgText(query.after.sessionId) : null,
      query.limit,
    ],
  });
  return summaries(pool, rows);
}

export async function sessionSummary(pool: Pool, sessionId: string): Promise<SessionSummary | undefined> {
  const row = await sessionRow(pool, sessionId);
  return row ? (await summaries(pool, [row]))[0] : undefined;
}

export async function sessionRow(pool: Pool, sessionId: string): Promise<SessionRow | undefined> {
  const { rows } = await pool.query<SessionRow>({ name: 'session-by-id', text: 'SELECT * FROM sessions WHERE id = $1', values: [pgText(sessionId)] });
  return rows[0];
}

/** The summaries of these rows: their models and agents in two queries, not two per session. */
async function summaries(pool: Pool, rows: SessionRow[]): Promise<SessionSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [models, agents, extras, unpriced] = await Promise.all([
    pool.query<ModelRow>({ name: 'models-of-sessions', text: 'SELECT session_id, model, priced FROM session_models WHERE session_id = ANY($1::text[]) ORDER BY session_id, model', values: [ids] }),
    pool.query<AgentRow>({ name: 'agents-of-sessions', text: "SELECT * FROM agents WHERE session_id = ANY($1::text[]) AND agent_id <> '' ORDER BY session_id, agent_id", values: [ids] }),
    pool.query<ExtraRow>({ name: 'extras-of-sessions', text: `SELECT ${EXTRA_SUMS} FROM requests WHERE ${HAS_EXTRA} AND session_id = ANY($1::text[]) GROUP BY session_id`, values: [ids] }),
    pool.query<UnpricedRow>({ name: 'unpriced-of-sessions', text: `SELECT ${UNPRICED_SUMS} FROM requests WHERE ${IS_UNPRICED} AND session_id = ANY($1::text[]) GROUP BY session_id, model`, values: [ids] }),
  ]);
  return withDetails(rows, models.rows, agents.rows, extras.rows, unpriced.rows);
}

export async function activeSessions(pool: Pool, sinceIso: string): Promise<SessionTotals[]> {
  const { rows } = await pool.query<SessionRow>({
    name: 'active-sessions',
    text: 'SELECT * FROM sessions WHERE last_activity >= $1 ORDER BY last_activity DESC',
    values: [sinceIso],
  });
  return rows.map(toTotals);
}

export async function sessionModelTotals(pool: Pool, sessionId: string): Promise<ModelTotals[]> {
  const { rows } = await pool.query<ModelTotalsRow>({ name: 'model-totals-of-session', text: MODEL_TOTALS_SQL, values: [pgText(sessionId)] });
  return rows.map(toModelTotals);
}

export async function sessionModels(pool: Pool, sessionId: string): Promise<string[]> {
  const { rows } = await pool.query<{ model: string }>({
    name: 'models-of-session',
    text: 'SELECT model FROM session_models WHERE session_id = $1 ORDER BY model',
    values: [pgText(sessionId)],
  });
  return rows.map((r) => r.model);
}

/** Cursor: `<timestamp>|<id>`; lines without a timestamp sort first. */
export async function sessionMessages(pool: Pool, sessionId: string, page: { after?: string; limit: number }): Promise<StoredMessage[]> {
  const [afterTime = '', afterId = '0'] = page.after?.split('|') ?? [];
  const { rows } = await pool.query<MessageRow>({
    name: 'session-messages',
    text: `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id
           WHERE m.session_id = $1 AND (COALESCE(m.timestamp, ''), m.id) > ($2::text COLLATE "C", $3::bigint)
           ORDER BY COALESCE(m.timestamp, ''), m.id LIMIT $4`,
    values: [pgText(sessionId), afterTime, Number(afterId) || 0, page.limit],
  });
  return rows.map(toStoredMessage);
}

export async function sessionMessage(pool: Pool, sessionId: string, uuid: string): Promise<StoredMessage | undefined> {
  const { rows } = await pool.query<MessageRow>({
    name: 'session-message',
    text: `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id WHERE m.session_id = $1 AND m.uuid = $2`,
    values: [pgText(sessionId), pgText(uuid)],
  });
  return rows[0] && toStoredMessage(rows[0]);
}

export async function activitySince(pool: Pool, sinceIso: string): Promise<ActivitySecond[]> {
  const [messages, requests] = await Promise.all([
    pool.query<{ at: string; messages: string }>({
      name: 'messages-per-second',
      // Through the sessions active since then, as the SQLite driver does (its statements.ts says why).
      text: `SELECT substr(timestamp, 1, 19) AS at, count(*) AS messages FROM messages
             WHERE session_id IN (SELECT id FROM sessions WHERE last_activity >= $1)
               AND timestamp >= $1 AND line_type IN ('user', 'assistant') GROUP BY 1 ORDER BY 1`,
      values: [sinceIso],
    }),
    pool.query<{ at: string; cost: number; tokens: string }>({
      name: 'requests-per-second',
      text: `SELECT substr(COALESCE(started_at, timestamp), 1, 19) AS at, sum(cost)::float8 AS cost,
                    sum(input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens) AS tokens
             FROM requests WHERE COALESCE(started_at, timestamp) >= $1 GROUP BY 1 ORDER BY 1`,
      values: [sinceIso],
    }),
  ]);
  return mergeActivity(
    messages.rows.map((r) => ({ at: r.at, messages: Number(r.messages) })),
    requests.rows.map((r) => ({ at: r.at, cost: r.cost, tokens: Number(r.tokens) })),
  );
}

export async function usageSince(pool: Pool, sinces: string[]): Promise<UsageTotals[]> {
  if (sinces.length === 0) return [];
  const { rows } = await pool.query<Record<string, unknown>>({ text: usageSinceSql(sinces.length, (n) => `$${n}`), values: usageSinceParams(sinces) });
  return usageSinceRows(rows[0] ?? {}, sinces.length);
}

export async function recentMessages(pool: Pool, sessionId: string, limit: number): Promise<StoredMessage[]> {
  const { rows } = await pool.query<MessageRow>({
    name: 'recent-messages',
    text: `SELECT m.*, s.claude_dir, s.rel_path FROM messages m JOIN sources s ON s.id = m.source_id
           WHERE m.session_id = $1 AND m.line_type IN ('user', 'assistant')
           ORDER BY COALESCE(m.timestamp, '') DESC, m.id DESC LIMIT $2`,
    values: [pgText(sessionId), limit],
  });
  return rows.reverse().map(toStoredMessage);
}

export async function counts(pool: Pool): Promise<StoreCounts> {
  const { rows } = await pool.query<StoreCounts>({
    name: 'counts',
    text: `SELECT (SELECT COUNT(*) FROM sources) AS files,
                  (SELECT COALESCE(SUM(line_count), 0)::bigint FROM sources) AS lines,
                  (SELECT COUNT(*) FROM sessions) AS sessions,
                  (SELECT COUNT(*) FROM requests) AS requests,
                  (SELECT COUNT(*) FROM problems) AS problems`,
  });
  return rows[0] as StoreCounts;
}

export async function healthReport(pool: Pool, limit: number): Promise<HealthReport> {
  const [total, kinds, unknown, listed] = await Promise.all([
    counts(pool),
    pool.query<{ kind: string; n: number }>({ name: 'problem-kinds', text: 'SELECT kind, COUNT(*) AS n FROM problems GROUP BY kind ORDER BY kind' }),
    pool.query<{ line_type: string; n: number }>({
      name: 'unknown-types',
      text: 'SELECT line_type, SUM(count)::bigint AS n FROM line_types WHERE NOT known GROUP BY line_type ORDER BY line_type',
    }),
    pool.query<ProblemRow>({
      name: 'list-problems',
      text: 'SELECT * FROM problems ORDER BY id DESC LIMIT $1',
      values: [limit],
    }),
  ]);
  const problemsByKind: Record<string, number> = {};
  for (const row of kinds.rows) problemsByKind[row.kind] = row.n;
  const unknownLineTypes: Record<string, number> = {};
  for (const row of unknown.rows) unknownLineTypes[row.line_type] = row.n;
  return { files: total.files, lines: total.lines, problemsByKind, unknownLineTypes, problems: listed.rows.map(toHealthProblem) };
}
