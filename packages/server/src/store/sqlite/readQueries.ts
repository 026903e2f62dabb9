import type Database from 'better-sqlite3';
import type { HealthReport, SessionSummary } from '@claudelens/protocol';
import { extraBySession, unpricedBySession } from '../extraCharges.js';
import { toStoredMessage } from '../messageRows.js';
import type { ProjectTotals, SessionFilter, SessionPageQuery, StoredMessage } from '../repository.js';
import { toProjectTotals, toSummary, type AgentRow, type ModelRow, type SessionRow } from '../sessionRows.js';
import { toHealthProblem } from '../sourceRows.js';
import { oneRow, type Statements } from './statements.js';

// The report and dashboard queries of the SQLite store; the rows are mapped by the modules both
// drivers share (sessionRows.ts, messageRows.ts, sourceRows.ts).

export function listSessions(db: Database.Database, st: Statements, filter: SessionFilter): SessionSummary[] {
  const rows = db
    .prepare<{ project: string | null; since: string | null }, SessionRow>(
      `SELECT * FROM sessions
       WHERE (@project IS NULL OR project_path = @project OR project_path LIKE '%' || @project || '%')
         AND (@since IS NULL OR last_activity >= @since)
       ORDER BY last_activity DESC, id`,
    )
    .all({ project: filter.project ?? null, since: filter.since ?? null });
  const models = new Map<string, ModelRow[]>();
  for (const m of st.allModels.all()) {
    const list = models.get(m.session_id) ?? [];
    list.push(m);
    models.set(m.session_id, list);
  }
  const agents = new Map<string, AgentRow[]>();
  for (const a of st.allAgents.all()) {
    if (a.agent_id === '') continue;
    const list = agents.get(a.session_id) ?? [];
    list.push(a);
    agents.set(a.session_id, list);
  }
  const extras = extraBySession(st.allExtras.all());
  const unpriced = unpricedBySession(st.allUnpriced.all());
  return rows.map((row) => toSummary(row, models.get(row.id) ?? [], agents.get(row.id) ?? [], extras.get(row.id), unpriced.get(row.id)));
}

/** Project totals from the sessions table, so that they always agree with the session list. */
export function listProjects(st: Statements): ProjectTotals[] {
  return st.projectTotals.all().map(toProjectTotals);
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
  });
  return rows.map((row) => sessionSummary(st, row));
}

export function sessionSummary(st: Statements, row: SessionRow): SessionSummary {
  const extras = extraBySession(st.extrasOfSession.all(row.id));
  const unpriced = unpricedBySession(st.unpricedOfSession.all(row.id));
  return toSummary(row, st.pricedModelsOfSession.all(row.id), st.agentsOfSession.all(row.id), extras.get(row.id), unpriced.get(row.id));
}

export function healthReport(st: Statements, limit: number): HealthReport {
  const counts = oneRow(st.counts.get());
  const problemsByKind: Record<string, number> = {};
  for (const row of st.problemKinds.all()) problemsByKind[row.kind] = row.n;
  const unknownLineTypes: Record<string, number> = {};
  for (const row of st.unknownTypes.all()) unknownLineTypes[row.line_type] = row.n;
  const problems = st.listProblems.all(limit).map(toHealthProblem);
  return { files: counts.files, lines: counts.lines, problemsByKind, unknownLineTypes, problems };
}

/** Cursor: `<timestamp>|<id>`; lines without a timestamp sort first. */
export function sessionMessages(st: Statements, sessionId: string, page: { after?: string; limit: number }): StoredMessage[] {
  const [afterTime = '', afterId = '0'] = page.after?.split('|') ?? [];
  return st.sessionMessages.all(sessionId, afterTime, afterTime, Number(afterId) || 0, page.limit).map(toStoredMessage);
}
