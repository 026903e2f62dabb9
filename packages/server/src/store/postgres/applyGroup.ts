import type { PoolClient } from 'pg';
import { KNOWN_LINE_TYPES } from '../../core/entry.js';
import type { AppliedBatch, IngestBatch, SessionTotals } from '../repository.js';
import { byKey, candidates, GroupPlan, messageKey, type MessageCandidate, type SessionDelta } from './groupPlan.js';
import { pgText, toTotals, type SessionRow } from './rows.js';
import { corrected, insertRequests, updateRequests } from './storeRequests.js';

// The write path of the PostgreSQL store: one transaction per applyBatches call, one
// multi-row statement per table. Concurrent writers (other backfill workers, other nodes) stay
// correct because every total is written as a delta (`x = x + delta`) computed against rows
// this transaction has locked: new rows are inserted with ON CONFLICT DO NOTHING, and a
// request already stored is read FOR UPDATE before it is merged.
//
// Deadlocks: every transaction takes its row locks table by table in the same order, and
// within a table in key order (the arrays are sorted), so two writers never wait on each other
// in a cycle; the caller still retries a transaction that PostgreSQL aborts as a deadlock.

/** Applies the batches inside the caller's transaction; returns what changed. */
export async function applyGroup(client: PoolClient, batches: IngestBatch[]): Promise<AppliedBatch> {
  const { messages, requests } = candidates(batches);
  const newMessages = await insertMessages(client, messages);
  const stored = await insertRequests(client, requests);
  const current = new Map(stored);
  const plan = new GroupPlan(batches, newMessages, current);
  await updateRequests(client, corrected(stored, current));
  await writeLineTypes(client, plan);
  await writeModels(client, plan);
  plan.applied.sessions = await writeSessions(client, plan);
  await writeProjects(client, plan);
  await writeAgents(client, plan);
  plan.applied.problems = await writeProblems(client, batches);
  await advanceSources(client, plan);
  return plan.applied;
}

/** Inserts the group's messages; returns the keys of those that were new. */
async function insertMessages(client: PoolClient, candidates: MessageCandidate[]): Promise<Set<string>> {
  const created = new Set<string>();
  if (candidates.length === 0) return created;
  const rows = [...candidates].sort(byKey);
  const e = rows.map((r) => r.entry);
  const result = await client.query<{ session_id: string; uuid: string }>({
    name: 'insert-messages',
    text: `INSERT INTO messages (session_id, uuid, parent_uuid, agent_id, line_type, author, timestamp, preview,
             tool_names, is_sidechain, is_meta, model, source_id, byte_offset, byte_length, line_no)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
             $9::text[], $10::boolean[], $11::boolean[], $12::text[], $13::integer[], $14::bigint[], $15::bigint[], $16::bigint[])
           ON CONFLICT (session_id, uuid) DO NOTHING
           RETURNING session_id, uuid`,
    values: [
      e.map((x) => pgText(x.sessionId)),
      e.map((x) => pgText(x.uuid)),
      e.map((x) => pgText(x.parentUuid)),
      e.map((x) => pgText(x.agentId)),
      e.map((x) => pgText(x.lineType)),
      e.map((x) => x.author),
      e.map((x) => pgText(x.timestamp)),
      e.map((x) => pgText(x.preview)),
      e.map((x) => (x.toolUses.length > 0 ? pgText(x.toolUses.map((u) => u.name).join(',')) : null)),
      e.map((x) => x.isSidechain),
      e.map((x) => x.isMeta),
      e.map((x) => pgText(x.model)),
      rows.map((r) => r.sourceId),
      e.map((x) => x.byteOffset),
      e.map((x) => x.byteLength),
      e.map((x) => x.lineNo),
    ],
  });
  for (const row of result.rows) created.add(messageKey(row.session_id, row.uuid));
  return created;
}

async function writeLineTypes(client: PoolClient, plan: GroupPlan): Promise<void> {
  if (plan.rewound.size > 0) {
    await client.query('DELETE FROM line_types WHERE source_id = ANY($1::integer[])', [[...plan.rewound].sort((a, b) => a - b)]);
  }
  if (plan.lineTypes.size === 0) return;
  const rows = [...plan.lineTypes]
    .map(([key, count]) => {
      const [sourceId, type] = key.split('\u0000') as [string, string];
      return { sourceId: Number(sourceId), type, count };
    })
    .sort((a, b) => a.sourceId - b.sourceId || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  await client.query({
    name: 'upsert-line-types',
    text: `INSERT INTO line_types (source_id, line_type, known, count)
           SELECT * FROM unnest($1::integer[], $2::text[], $3::boolean[], $4::bigint[])
           ON CONFLICT (source_id, line_type) DO UPDATE SET count = line_types.count + excluded.count`,
    values: [rows.map((r) => r.sourceId), rows.map((r) => r.type), rows.map((r) => KNOWN_LINE_TYPES.has(r.type)), rows.map((r) => r.count)],
  });
}

async function writeModels(client: PoolClient, plan: GroupPlan): Promise<void> {
  if (plan.models.size === 0) return;
  const rows = [...plan.models].map(([key, priced]) => ({ key, priced })).sort(byKey);
  const split = rows.map((r) => r.key.split('\u0000') as [string, string]);
  await client.query({
    name: 'insert-models',
    text: `INSERT INTO session_models (session_id, model, priced)
           SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[]) ON CONFLICT (session_id, model) DO NOTHING`,
    values: [split.map((s) => s[0]), split.map((s) => s[1]), rows.map((r) => r.priced)],
  });
}

/** Adds the group's deltas to its sessions; returns their new totals, in the order the group touched them. */
async function writeSessions(client: PoolClient, plan: GroupPlan): Promise<SessionTotals[]> {
  if (plan.sessions.size === 0) return [];
  const ids = [...plan.sessions.keys()].sort();
  const d = ids.map((id) => plan.sessions.get(id) as SessionDelta);
  const { rows } = await client.query<SessionRow>({
    name: 'upsert-sessions',
    text: `INSERT INTO sessions AS s (id, project_path, project_is_main, first_activity, last_activity, message_count, tool_use_count,
             request_count, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost)
           SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
             $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::double precision[])
           ON CONFLICT (id) DO UPDATE SET
             project_path = CASE WHEN s.project_path IS NULL OR (NOT s.project_is_main AND excluded.project_is_main)
                                 THEN COALESCE(excluded.project_path, s.project_path) ELSE s.project_path END,
             project_is_main = s.project_is_main OR excluded.project_is_main,
             first_activity = CASE WHEN s.first_activity IS NULL OR excluded.first_activity < s.first_activity
                                   THEN excluded.first_activity ELSE s.first_activity END,
             last_activity = CASE WHEN s.last_activity IS NULL OR excluded.last_activity > s.last_activity
                                  THEN excluded.last_activity ELSE s.last_activity END,
             message_count = s.message_count + excluded.message_count,
             tool_use_count = s.tool_use_count + excluded.tool_use_count,
             request_count = s.request_count + excluded.request_count,
             input_tokens = s.input_tokens + excluded.input_tokens,
             output_tokens = s.output_tokens + excluded.output_tokens,
             cache_creation_tokens = s.cache_creation_tokens + excluded.cache_creation_tokens,
             cache_read_tokens = s.cache_read_tokens + excluded.cache_read_tokens,
             cost = s.cost + excluded.cost
           RETURNING *`,
    values: [
      ids.map((id) => pgText(id)),
      d.map((x) => pgText(x.project ?? x.sidechainProject)),
      d.map((x) => x.project !== null),
      d.map((x) => pgText(x.first)),
      d.map((x) => pgText(x.last)),
      d.map((x) => x.messages),
      d.map((x) => x.toolUses),
      d.map((x) => x.totals.requests),
      d.map((x) => x.totals.inputTokens),
      d.map((x) => x.totals.outputTokens),
      d.map((x) => x.totals.cacheCreationTokens),
      d.map((x) => x.totals.cacheReadTokens),
      d.map((x) => x.totals.cost),
    ],
  });
  const byId = new Map(rows.map((row) => [row.id, toTotals(row)]));
  return [...plan.sessions.keys()].flatMap((id) => byId.get(pgText(id)) ?? []);
}

/** Project activity spans, one row per project path (several sessions of the group may share one). */
async function writeProjects(client: PoolClient, plan: GroupPlan): Promise<void> {
  const spans = new Map<string, { first: string | null; last: string | null }>();
  for (const d of plan.sessions.values()) {
    const path = d.project ?? d.sidechainProject;
    if (!path) continue;
    const span = spans.get(path) ?? { first: null, last: null };
    if (d.first !== null && (span.first === null || d.first < span.first)) span.first = d.first;
    if (d.last !== null && (span.last === null || d.last > span.last)) span.last = d.last;
    spans.set(path, span);
  }
  if (spans.size === 0) return;
  const paths = [...spans.keys()].sort();
  await client.query({
    name: 'upsert-projects',
    text: `INSERT INTO projects AS p (path, first_activity, last_activity)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
           ON CONFLICT (path) DO UPDATE SET
             first_activity = LEAST(p.first_activity, excluded.first_activity),
             last_activity = GREATEST(p.last_activity, excluded.last_activity)`,
    values: [paths.map((p) => pgText(p)), paths.map((p) => pgText(spans.get(p)?.first ?? null)), paths.map((p) => pgText(spans.get(p)?.last ?? null))],
  });
}

async function writeAgents(client: PoolClient, plan: GroupPlan): Promise<void> {
  const agents = [...plan.agents]
    .filter(([, a]) => !(a.messages === 0 && a.totals.requests === 0 && a.totals.outputTokens === 0 && a.totals.cost === 0))
    .map(([key, a]) => ({ key, a }))
    .sort(byKey)
    .map((x) => x.a);
  if (agents.length === 0) return;
  await client.query({
    name: 'upsert-agents',
    text: `INSERT INTO agents AS a (session_id, agent_id, message_count, request_count, input_tokens, output_tokens,
             cache_creation_tokens, cache_read_tokens, cost)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],
             $8::bigint[], $9::double precision[])
           ON CONFLICT (session_id, agent_id) DO UPDATE SET
             message_count = a.message_count + excluded.message_count,
             request_count = a.request_count + excluded.request_count,
             input_tokens = a.input_tokens + excluded.input_tokens,
             output_tokens = a.output_tokens + excluded.output_tokens,
             cache_creation_tokens = a.cache_creation_tokens + excluded.cache_creation_tokens,
             cache_read_tokens = a.cache_read_tokens + excluded.cache_read_tokens,
             cost = a.cost + excluded.cost`,
    values: [
      agents.map((a) => pgText(a.sessionId)),
      agents.map((a) => pgText(a.agentId)),
      agents.map((a) => a.messages),
      agents.map((a) => a.totals.requests),
      agents.map((a) => a.totals.inputTokens),
      agents.map((a) => a.totals.outputTokens),
      agents.map((a) => a.totals.cacheCreationTokens),
      agents.map((a) => a.totals.cacheReadTokens),
      agents.map((a) => a.totals.cost),
    ],
  });
}

/** Records the group's line problems once per (file, offset, kind); returns how many were new. */
async function writeProblems(client: PoolClient, batches: IngestBatch[]): Promise<number> {
  const problems = batches.flatMap((b) => b.problems.map((p) => ({ sourceId: b.sourceId, p })));
  if (problems.length === 0) return 0;
  const result = await client.query({
    name: 'insert-problems',
    text: `INSERT INTO problems (claude_dir, rel_path, line_no, byte_offset, kind, detail, seen_at)
           SELECT s.claude_dir, s.rel_path, p.line_no, p.byte_offset, p.kind, p.detail, $6
           FROM unnest($1::integer[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) WITH ORDINALITY
             AS p(source_id, line_no, byte_offset, kind, detail, n)
           JOIN sources s ON s.id = p.source_id
           ORDER BY p.n
           ON CONFLICT (claude_dir, rel_path, byte_offset, kind) DO NOTHING`,
    values: [
      problems.map((x) => x.sourceId),
      problems.map((x) => x.p.lineNo),
      problems.map((x) => x.p.byteOffset),
      problems.map((x) => pgText(x.p.kind)),
      problems.map((x) => pgText(x.p.detail)),
      new Date().toISOString(),
    ],
  });
  return result.rowCount ?? 0;
}

/**
 * Moves each source to the offset its last batch reached. An offset only moves back with a
 * rewind: a reader that lost a race with another (two nodes during a lease takeover) cannot
 * undo the other's progress.
 */
async function advanceSources(client: PoolClient, plan: GroupPlan): Promise<void> {
  const ids = [...plan.lastBatch.keys()].sort((a, b) => a - b);
  if (ids.length === 0) return;
  const b = ids.map((id) => plan.lastBatch.get(id) as IngestBatch);
  await client.query({
    name: 'advance-sources',
    text: `UPDATE sources s SET byte_offset = u.byte_offset, line_count = u.line_count, tail = u.tail,
             ino = u.ino, size = u.size, mtime_ms = u.mtime_ms
           FROM unnest($1::integer[], $2::bigint[], $3::bigint[], $4::bytea[], $5::double precision[], $6::bigint[],
             $7::double precision[], $8::boolean[]) AS u(id, byte_offset, line_count, tail, ino, size, mtime_ms, rewound)
           WHERE s.id = u.id AND (u.rewound OR s.byte_offset <= u.byte_offset)`,
    values: [
      ids,
      b.map((x) => x.nextOffset),
      b.map((x) => x.nextLineCount),
      b.map((x) => x.nextTail),
      b.map((x) => x.identity.ino),
      b.map((x) => x.identity.size),
      b.map((x) => x.identity.mtimeMs),
      ids.map((id) => plan.rewound.has(id)),
    ],
  });
}
