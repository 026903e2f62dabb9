import type { Totals } from '../../core/accounting.js';
import { KNOWN_LINE_TYPES } from '../../core/entry.js';
import { OFFSET_MOVED, type IngestBatch } from '../repository.js';
import { byKey, type GroupPlan, type SessionDelta } from './groupPlan.js';
import type { Params } from './params.js';
import { pgText } from './pgText.js';

// The parts of applyGroup's write statement, one data-modifying CTE per table: each writes the
// group's rows for its table as one multi-row statement over `unnest` of parallel arrays, sorted
// by key so that concurrent writers lock rows in the same order (applyGroup.ts, "Deadlocks").

/**
 * One row, or the statement fails (and the transaction with it) with OFFSET_MOVED: every batch
 * with an `expectOffset` starts where its source's stored offset is, as the statement found it.
 * A source row that is gone (its registration lost with the commits after it) fails it too.
 */
export function expectedOffsetsSql(p: Params, batches: IngestBatch[]): string {
  const expecting = batches.filter((b) => b.expectOffset !== undefined && !b.rewind);
  return `SELECT claudelens_offsets_follow(count(*) - count(s.id), ${p.add(OFFSET_MOVED, 'text')}) AS ok
          FROM ${p.unnest([
            [expecting.map((b) => b.sourceId), 'integer[]'],
            [expecting.map((b) => b.expectOffset), 'bigint[]'],
          ])} AS e(id, byte_offset)
          LEFT JOIN sources s ON s.id = e.id AND s.byte_offset = e.byte_offset`;
}

export function lineTypesSql(p: Params, plan: GroupPlan): string {
  const rows = [...plan.lineTypes]
    .map(([key, count]) => {
      const [sourceId, type] = key.split('\u0000') as [string, string];
      return { sourceId: Number(sourceId), type, count };
    })
    .sort((a, b) => a.sourceId - b.sourceId || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return `INSERT INTO line_types (source_id, line_type, known, count)
          SELECT * FROM ${p.unnest([
            [rows.map((r) => r.sourceId), 'integer[]'],
            [rows.map((r) => r.type), 'text[]'],
            [rows.map((r) => KNOWN_LINE_TYPES.has(r.type)), 'boolean[]'],
            [rows.map((r) => r.count), 'bigint[]'],
          ])}
          ON CONFLICT (source_id, line_type) DO UPDATE SET count = line_types.count + excluded.count`;
}

export function modelsSql(p: Params, plan: GroupPlan): string {
  const rows = [...plan.models].map(([key, priced]) => ({ key, priced })).sort(byKey);
  const split = rows.map((r) => r.key.split('\u0000') as [string, string]);
  return `INSERT INTO session_models (session_id, model, priced)
          SELECT * FROM ${p.unnest([
            [split.map((s) => s[0]), 'text[]'],
            [split.map((s) => s[1]), 'text[]'],
            [rows.map((r) => r.priced), 'boolean[]'],
          ])}
          ON CONFLICT (session_id, model) DO NOTHING`;
}

/** Adds the group's deltas to its sessions, returning their new totals. */
export function sessionsSql(p: Params, plan: GroupPlan): string {
  const ids = [...plan.sessions.keys()].sort();
  const d = ids.map((id) => plan.sessions.get(id) as SessionDelta);
  return `INSERT INTO sessions AS s (id, project_path, project_is_main, first_activity, last_activity, message_count, tool_use_count,
            request_count, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost)
          SELECT * FROM ${p.unnest([
            [ids.map((id) => pgText(id)), 'text[]'],
            [d.map((x) => pgText(x.project ?? x.sidechainProject)), 'text[]'],
            [d.map((x) => x.project !== null), 'boolean[]'],
            [d.map((x) => pgText(x.first)), 'text[]'],
            [d.map((x) => pgText(x.last)), 'text[]'],
            [d.map((x) => x.messages), 'bigint[]'],
            [d.map((x) => x.toolUses), 'bigint[]'],
            ...totalsColumns(d.map((x) => x.totals)),
          ])}
          ON CONFLICT (id) DO UPDATE SET
            project_path = CASE WHEN s.project_path IS NULL OR (NOT s.project_is_main AND excluded.project_is_main)
                                THEN COALESCE(excluded.project_path, s.project_path) ELSE s.project_path END,
            project_is_main = s.project_is_main OR excluded.project_is_main,
            first_activity = CASE WHEN s.first_activity IS NULL OR excluded.first_activity < s.first_activity
                                  THEN excluded.first_activity ELSE s.first_activity END,
            last_activity = CASE WHEN s.last_activity IS NULL OR excluded.last_activity > s.last_activity
                                 THEN excluded.last_activity ELSE s.last_activity END,
            ${added('s', ['message_count', 'tool_use_count', ...TOTAL_COLUMNS])}
          RETURNING *`;
}

const TOTAL_COLUMNS = ['request_count', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'cost'];

/** `column = alias.column + excluded.column` for each column: a delta added to the stored row. */
function added(alias: string, columns: string[]): string {
  return columns.map((c) => `${c} = ${alias}.${c} + excluded.${c}`).join(', ');
}

/** The values of TOTAL_COLUMNS, in that order, as columns for an unnest. */
function totalsColumns(totals: Totals[]): [unknown[], string][] {
  return [
    [totals.map((t) => t.requests), 'bigint[]'],
    [totals.map((t) => t.inputTokens), 'bigint[]'],
    [totals.map((t) => t.outputTokens), 'bigint[]'],
    [totals.map((t) => t.cacheCreationTokens), 'bigint[]'],
    [totals.map((t) => t.cacheReadTokens), 'bigint[]'],
    [totals.map((t) => t.cost), 'double precision[]'],
  ];
}

/** Project activity spans, one row per project path (several sessions of the group may share one). */
export function projectsSql(p: Params, plan: GroupPlan): string {
  const spans = new Map<string, { first: string | null; last: string | null }>();
  for (const d of plan.sessions.values()) {
    const path = d.project ?? d.sidechainProject;
    if (!path) continue;
    const span = spans.get(path) ?? { first: null, last: null };
    if (d.first !== null && (span.first === null || d.first < span.first)) span.first = d.first;
    if (d.last !== null && (span.last === null || d.last > span.last)) span.last = d.last;
    spans.set(path, span);
  }
  const paths = [...spans.keys()].sort();
  return `INSERT INTO projects AS p (path, first_activity, last_activity)
          SELECT * FROM ${p.unnest([
            [paths.map((path) => pgText(path)), 'text[]'],
            [paths.map((path) => pgText(spans.get(path)?.first ?? null)), 'text[]'],
            [paths.map((path) => pgText(spans.get(path)?.last ?? null)), 'text[]'],
          ])}
          ON CONFLICT (path) DO UPDATE SET
            first_activity = LEAST(p.first_activity, excluded.first_activity),
            last_activity = GREATEST(p.last_activity, excluded.last_activity)`;
}

export function agentsSql(p: Params, plan: GroupPlan): string {
  const agents = [...plan.agents]
    .filter(([, a]) => !(a.messages === 0 && a.totals.requests === 0 && a.totals.outputTokens === 0 && a.totals.cost === 0))
    .map(([key, a]) => ({ key, a }))
    .sort(byKey)
    .map((x) => x.a);
  return `INSERT INTO agents AS a (session_id, agent_id, message_count, request_count, input_tokens, output_tokens,
            cache_creation_tokens, cache_read_tokens, cost)
          SELECT * FROM ${p.unnest([
            [agents.map((a) => pgText(a.sessionId)), 'text[]'],
            [agents.map((a) => pgText(a.agentId)), 'text[]'],
            [agents.map((a) => a.messages), 'bigint[]'],
            ...totalsColumns(agents.map((a) => a.totals)),
          ])}
          ON CONFLICT (session_id, agent_id) DO UPDATE SET
            ${added('a', ['message_count', ...TOTAL_COLUMNS])}`;
}

/** Records the group's line problems once per (file, offset, kind), returning a row per new one. */
export function problemsSql(p: Params, batches: IngestBatch[]): string {
  const problems = batches.flatMap((b) => b.problems.map((x) => ({ sourceId: b.sourceId, x })));
  return `INSERT INTO problems (claude_dir, rel_path, line_no, byte_offset, kind, detail, seen_at)
          SELECT s.claude_dir, s.rel_path, q.line_no, q.byte_offset, q.kind, q.detail, ${p.add(new Date().toISOString(), 'text')}
          FROM ${p.unnest([
            [problems.map((q) => q.sourceId), 'integer[]'],
            [problems.map((q) => q.x.lineNo), 'bigint[]'],
            [problems.map((q) => q.x.byteOffset), 'bigint[]'],
            [problems.map((q) => pgText(q.x.kind)), 'text[]'],
            [problems.map((q) => pgText(q.x.detail)), 'text[]'],
          ])} WITH ORDINALITY AS q(source_id, line_no, byte_offset, kind, detail, n)
          JOIN sources s ON s.id = q.source_id
          ORDER BY q.n
          ON CONFLICT (claude_dir, rel_path, byte_offset, kind) DO NOTHING
          RETURNING 1`;
}

/**
 * Moves each source to the offset its last batch reached. An offset only moves back with a
 * rewind: a reader that lost a race with another (two nodes during a lease takeover) cannot
 * undo the other's progress.
 */
export function sourcesSql(p: Params, plan: GroupPlan): string {
  const ids = [...plan.lastBatch.keys()].sort((a, b) => a - b);
  const b = ids.map((id) => plan.lastBatch.get(id) as IngestBatch);
  return `UPDATE sources s SET byte_offset = u.byte_offset, line_count = u.line_count, tail = u.tail,
            ino = u.ino, size = u.size, mtime_ms = u.mtime_ms
          FROM ${p.unnest([
            [ids, 'integer[]'],
            [b.map((x) => x.nextOffset), 'bigint[]'],
            [b.map((x) => x.nextLineCount), 'bigint[]'],
            [b.map((x) => x.nextTail), 'bytea[]'],
            [b.map((x) => x.identity.ino), 'double precision[]'],
            [b.map((x) => x.identity.size), 'bigint[]'],
            [b.map((x) => x.identity.mtimeMs), 'double precision[]'],
            [ids.map((id) => plan.rewound.has(id)), 'boolean[]'],
          ])} AS u(id, byte_offset, line_count, tail, ino, size, mtime_ms, rewound)
          WHERE s.id = u.id AND (u.rewound OR s.byte_offset <= u.byte_offset)`;
}
