import type { PoolClient } from 'pg';
import type { SessionStart, Totals } from '../../core/accounting.js';
import { KNOWN_LINE_TYPES } from '../../core/entry.js';
import { inputToJson, liveInput } from '../../core/live/liveInput.js';
import { OFFSET_MOVED, type AppliedBatch, type IngestBatch, type SessionTotals } from '../repository.js';
import { byKey, candidates, GroupPlan, sharedSessions, messageKey, requestKey, type MessageCandidate, type SessionDelta } from './groupPlan.js';
import { inOneWrite } from './oneWrite.js';
import { Params } from './params.js';
import { pgText } from './pgText.js';
import { toTotals, type SessionRow } from '../sessionRows.js';
import { corrected, requestCtes, requestsToInsert, storedRequests, updateRequestsSql, type RequestRow } from './storeRequests.js';

// The write path of the PostgreSQL store: one transaction per applyBatches call, and in it two
// statements (three after a rewind, or when another writer stored one of the group's requests
// while the first ran), each a chain of data-modifying CTEs with one multi-row part per table.
// A dozen statements, each awaited on the event loop between reads and socket writes, made a
// transaction take most of a second on a busy node (bench:live --nodes 2 at 5000 sessions).
//
// Concurrent writers (other backfill workers, other nodes) stay correct because every total is
// written as a delta (`x = x + delta`) computed against rows this transaction has locked: new
// rows are inserted with ON CONFLICT DO NOTHING, and a request already stored is read FOR
// UPDATE before it is merged.
//
// Deadlocks: every transaction runs the same statements, so it takes its row locks table by
// table in the same order, and within a table in key order (the arrays are sorted): two writers
// never wait on each other in a cycle; the caller still retries a transaction that PostgreSQL
// aborts as a deadlock.

/** This node's outbox (see Store.sweepOutbox): a commit that brings something new is kept there under this number. */
export interface OutboxSlot {
  nodeId: string;
  commit: number;
}

/** Applies the batches inside the caller's transaction, calling `commit` once its last statement is sent; returns what changed. */
export async function applyGroup(client: PoolClient, batches: IngestBatch[], commit: () => void, outbox?: OutboxSlot): Promise<AppliedBatch> {
  const { messages, requests } = candidates(batches);
  const offered = requestsToInsert(requests);
  const created = await insertRows(client, messages, offered);
  const stored = await storedRequests(client, offered, created.requests, created.locked);
  const current = new Map(stored);
  const plan = new GroupPlan(batches, created.messages, current, await storedStarts(client, sharedSessions(batches, stored)));
  if (plan.rewound.size > 0) {
    await client.query('DELETE FROM line_types WHERE source_id = ANY($1::integer[])', [[...plan.rewound].sort((a, b) => a - b)]);
  }
  const kept = outbox && (plan.applied.newEntries.length > 0 || plan.applied.requestChanges.length > 0) ? outbox : undefined;
  // A request created by this group is inserted as its lines fold in one session; a copy in
  // another session that started first takes it over (claimRequest): its row is corrected too.
  const takenOver = [...created.requests].flatMap((key) => {
    const final = current.get(key);
    return final !== undefined && final !== requests.get(key) ? [final] : [];
  });
  await upsertSubagentLinks(client, batches);
  const written = await writeGroup(client, plan, batches, [...corrected(stored, current), ...takenOver], commit, kept);
  plan.applied.sessions = written.sessions;
  plan.applied.problems = written.problems;
  if (kept) plan.applied.commit = kept.commit;
  return plan.applied;
}

/** The group's subagent links (docs/usage.md) in one statement, in key order like every other table's rows. */
async function upsertSubagentLinks(client: PoolClient, batches: IngestBatch[]): Promise<void> {
  const links = new Map<string, { sessionId: string; toolUseId: string; subagentType: string | null; agentId: string | null }>();
  for (const batch of batches) {
    for (const entry of batch.entries) {
      for (const link of entry.sessionId ? (entry.subagentLinks ?? []) : []) {
        const key = `${entry.sessionId}\u0000${link.toolUseId}`;
        const had = links.get(key);
        links.set(key, { sessionId: entry.sessionId as string, toolUseId: link.toolUseId, subagentType: link.subagentType ?? had?.subagentType ?? null, agentId: link.agentId ?? had?.agentId ?? null });
      }
    }
  }
  if (links.size === 0) return;
  const rows = [...links.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  await client.query(
    `INSERT INTO subagent_links AS l (session_id, tool_use_id, subagent_type, agent_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (session_id, tool_use_id) DO UPDATE SET
       subagent_type = COALESCE(excluded.subagent_type, l.subagent_type),
       agent_id = COALESCE(excluded.agent_id, l.agent_id)`,
    [rows.map((r) => pgText(r.sessionId)), rows.map((r) => pgText(r.toolUseId)), rows.map((r) => pgText(r.subagentType)), rows.map((r) => pgText(r.agentId))],
  );
}

/** When these sessions started, as stored (the group's messages are inserted already); none: no query. */
async function storedStarts(client: PoolClient, ids: string[]): Promise<Map<string, SessionStart>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<{ id: string; first_activity: string | null; main_first: string | null }>({
    name: 'session-starts',
    text: `SELECT k.id, s.first_activity,
             (SELECT min(m.timestamp) FROM messages m WHERE m.session_id = k.id AND NOT m.is_sidechain) AS main_first
           FROM unnest($1::text[]) AS k(id) LEFT JOIN sessions s ON s.id = k.id`,
    values: [ids.map((id) => pgText(id))],
  });
  return new Map(rows.map((r) => [r.id, { first: r.first_activity, mainFirst: r.main_first }]));
}

/** Inserts the group's new messages and requests; returns the keys of those it created, and the stored requests it locked. */
async function insertRows(
  client: PoolClient,
  candidates: MessageCandidate[],
  requests: ReturnType<typeof requestsToInsert>,
): Promise<{ messages: Set<string>; requests: Set<string>; locked: Map<string, RequestRow> }> {
  const created = { messages: new Set<string>(), requests: new Set<string>(), locked: new Map<string, RequestRow>() };
  if (candidates.length === 0 && requests.length === 0) return created;
  const p = new Params();
  const e = [...candidates].sort(byKey);
  const x = e.map((r) => r.entry);
  const result = await client.query<{ kind: 'm' | 'r' | 'l'; a: string; b: string; row: RequestRow | null }>({
    name: 'insert-rows',
    text: `WITH m AS (
             INSERT INTO messages (session_id, uuid, parent_uuid, agent_id, line_type, author, timestamp, preview,
               tool_names, is_sidechain, is_meta, model, source_id, byte_offset, byte_length, line_no)
             SELECT * FROM ${p.unnest([
               [x.map((v) => pgText(v.sessionId)), 'text[]'],
               [x.map((v) => pgText(v.uuid)), 'text[]'],
               [x.map((v) => pgText(v.parentUuid)), 'text[]'],
               [x.map((v) => pgText(v.agentId)), 'text[]'],
               [x.map((v) => pgText(v.lineType)), 'text[]'],
               [x.map((v) => v.author), 'text[]'],
               [x.map((v) => pgText(v.timestamp)), 'text[]'],
               [x.map((v) => pgText(v.preview)), 'text[]'],
               [x.map((v) => (v.toolUses.length > 0 ? pgText(v.toolUses.map((u) => u.name).join(',')) : null)), 'text[]'],
               [x.map((v) => v.isSidechain), 'boolean[]'],
               [x.map((v) => v.isMeta), 'boolean[]'],
               [x.map((v) => pgText(v.model)), 'text[]'],
               [e.map((r) => r.sourceId), 'integer[]'],
               [x.map((v) => v.byteOffset), 'bigint[]'],
               [x.map((v) => v.byteLength), 'bigint[]'],
               [x.map((v) => v.lineNo), 'bigint[]'],
             ])}
             ON CONFLICT (session_id, uuid) DO NOTHING
             RETURNING session_id, uuid),
           ${requestCtes(p, requests)}
           SELECT 'm' AS kind, session_id AS a, uuid AS b, NULL::json AS row FROM m
           UNION ALL SELECT 'r', message_id, request_id, NULL FROM r
           UNION ALL SELECT 'l', message_id, request_id, to_json(lk) FROM lk`,
    values: p.values,
  });
  for (const row of result.rows) {
    if (row.kind === 'm') created.messages.add(messageKey(row.a, row.b));
    else if (row.kind === 'r') created.requests.add(requestKey({ messageId: row.a, requestId: row.b }));
    else if (row.row) created.locked.set(requestKey({ messageId: row.a, requestId: row.b }), row.row);
  }
  return created;
}

/**
 * Everything else the group changes, in one statement: corrected requests, line-type tallies,
 * session models, session totals (returned), project spans, agent totals, line problems (how
 * many were new is returned) and source offsets. A part with nothing to write gets empty arrays.
 */
async function writeGroup(
  client: PoolClient,
  plan: GroupPlan,
  batches: IngestBatch[],
  corrections: ReturnType<typeof corrected>,
  commit: () => void,
  outbox: OutboxSlot | undefined,
): Promise<{ sessions: SessionTotals[]; problems: number }> {
  const p = new Params();
  const text = `WITH
    ob AS (${outboxSql(p, plan, outbox)}),
    ur AS (${updateRequestsSql(p, corrections)}),
    lt AS (${lineTypesSql(p, plan)}),
    sm AS (${modelsSql(p, plan)}),
    su AS (${sessionsSql(p, plan)}),
    pj AS (${projectsSql(p, plan)}),
    ag AS (${agentsSql(p, plan)}),
    pr AS (${problemsSql(p, batches)}),
    so AS (${sourcesSql(p, plan)}),
    ck AS (${expectedOffsetsSql(p, batches)})
    SELECT su.*, n.new_problems FROM (SELECT count(*)::integer AS new_problems FROM pr) n CROSS JOIN ck LEFT JOIN su ON true`;
  const sent = inOneWrite(client, () => {
    const sent = client.query<SessionRow & { new_problems: number }>({ name: 'write-group', text, values: p.values });
    commit(); // pipelined behind the statement, in the same write: the group's last
    return sent;
  });
  const { rows } = await sent;
  const byId = new Map(rows.filter((row) => row.id !== null).map((row) => [row.id, toTotals(row)]));
  return {
    sessions: [...plan.sessions.keys()].flatMap((id) => byId.get(pgText(id)) ?? []),
    problems: rows[0]?.new_problems ?? 0,
  };
}

/**
 * One row, or the statement fails (and the transaction with it) with OFFSET_MOVED: every batch
 * with an `expectOffset` starts where its source's stored offset is, as the statement found it.
 * A source row that is gone (its registration lost with the commits after it) fails it too.
 */
function expectedOffsetsSql(p: Params, batches: IngestBatch[]): string {
  const expecting = batches.filter((b) => b.expectOffset !== undefined && !b.rewind);
  return `SELECT claudelens_offsets_follow(count(*) - count(s.id), ${p.add(OFFSET_MOVED, 'text')}) AS ok
          FROM ${p.unnest([
            [expecting.map((b) => b.sourceId), 'integer[]'],
            [expecting.map((b) => b.expectOffset), 'bigint[]'],
          ])} AS e(id, byte_offset)
          LEFT JOIN sources s ON s.id = e.id AND s.byte_offset = e.byte_offset`;
}

/**
 * The commit's live input (without the sessions' totals: whoever publishes it late reads them
 * afresh) into the outbox, in the write statement: no round trip of its own. Nothing is inserted
 * without a slot: the statement's text stays the same either way.
 */
function outboxSql(p: Params, plan: GroupPlan, outbox: OutboxSlot | undefined): string {
  const input = outbox ? inputToJson(liveInput(plan.applied.newEntries, plan.applied.requestChanges, [])) : null;
  const json = p.add(input, 'text');
  return `INSERT INTO live_outbox (node_id, commit_no, input)
          SELECT ${p.add(outbox?.nodeId ?? null, 'text')}, ${p.add(outbox?.commit ?? null, 'bigint')}, ${json} WHERE ${json} IS NOT NULL`;
}

function lineTypesSql(p: Params, plan: GroupPlan): string {
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

function modelsSql(p: Params, plan: GroupPlan): string {
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
function sessionsSql(p: Params, plan: GroupPlan): string {
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
function projectsSql(p: Params, plan: GroupPlan): string {
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

function agentsSql(p: Params, plan: GroupPlan): string {
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
function problemsSql(p: Params, batches: IngestBatch[]): string {
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
function sourcesSql(p: Params, plan: GroupPlan): string {
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
