import type { PoolClient } from 'pg';
import type { SessionStart } from '../../core/accounting.js';
import { inputToJson, liveInput } from '../../core/live/liveInput.js';
import type { AppliedBatch, IngestBatch, SessionTotals } from '../repository.js';
import { byKey, candidates, GroupPlan, sharedSessions, messageKey, requestKey, type MessageCandidate } from './groupPlan.js';
import { inOneWrite } from './oneWrite.js';
import { Params } from './params.js';
import { pgText } from './pgText.js';
import { toTotals, type SessionRow } from '../sessionRows.js';
import { corrected, requestCtes, requestsToInsert, storedRequests, updateRequestsSql, type RequestRow } from './storeRequests.js';
import { agentsSql, expectedOffsetsSql, lineTypesSql, modelsSql, problemsSql, projectsSql, sessionsSql, sourcesSql } from './groupSql.js';

// The write path of the PostgreSQL store: one transaction per applyBatches call, and in it two
// statements (three after a rewind, or when another writer stored one of the group's requests
// while the first ran), each a chain of data-modifying CTEs with one multi-row part per table.
// A dozen statements, each awaited on the event loop between reads and socket writes, made a
// transaction slow on a busy node (figures: docs/postgres.md, "Several writers at once").
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

/** This node's outbox (see OutboxStore.sweepOutbox): a commit that brings something new is kept there under this number. */
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
 * many were new is returned) and source offsets, each a part from groupSql.ts. A part with
 * nothing to write gets empty arrays.
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
