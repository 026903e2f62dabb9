import type { PoolClient } from 'pg';
import type { RequestRecord } from '../../core/accounting.js';
import { byKey, requestKey } from './groupPlan.js';
import type { Params } from './params.js';
import { pgText } from './pgText.js';
import { toRequestRecord, type RequestRow as SharedRequestRow } from '../requestRows.js';

// Requests in the PostgreSQL store, keyed on (message_id, request_id). New ones are inserted
// without a lookup (the usual case); stored ones are locked FOR UPDATE before they are merged,
// so that a correction's delta is computed against the row it replaces. The SQL parts here
// are put into applyGroup's statements.

export const REQUEST_COLUMNS = `message_id, request_id, session_id, agent_id, model, timestamp, line_uuid, input_tokens, output_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, fast, cost, cost_source,
  web_search_requests, web_fetch_requests, inference_geo, server_tool_cost, data_residency_cost, estimated_cost, estimate_basis, started_at`;

/** The records as `unnest(…)` in REQUEST_COLUMNS order. */
export function requestsUnnest(params: Params, records: RequestRecord[]): string {
  return params.unnest([
    [records.map((r) => pgText(r.messageId)), 'text[]'],
    [records.map((r) => pgText(r.requestId)), 'text[]'],
    [records.map((r) => pgText(r.sessionId)), 'text[]'],
    [records.map((r) => pgText(r.agentId)), 'text[]'],
    [records.map((r) => pgText(r.model)), 'text[]'],
    [records.map((r) => pgText(r.timestamp)), 'text[]'],
    [records.map((r) => pgText(r.lineUuid)), 'text[]'],
    [records.map((r) => r.usage.input), 'bigint[]'],
    [records.map((r) => r.usage.output), 'bigint[]'],
    [records.map((r) => r.usage.cacheWrite5m), 'bigint[]'],
    [records.map((r) => r.usage.cacheWrite1h), 'bigint[]'],
    [records.map((r) => r.usage.cacheRead), 'bigint[]'],
    [records.map((r) => r.usage.fast), 'boolean[]'],
    [records.map((r) => r.cost), 'double precision[]'],
    [records.map((r) => r.costSource), 'text[]'],
    [records.map((r) => r.usage.webSearchRequests), 'bigint[]'],
    [records.map((r) => r.usage.webFetchRequests), 'bigint[]'],
    [records.map((r) => pgText(r.usage.inferenceGeo)), 'text[]'],
    [records.map((r) => r.serverToolCost), 'double precision[]'],
    [records.map((r) => r.dataResidencyCost), 'double precision[]'],
    [records.map((r) => r.estimatedCost), 'double precision[]'],
    [records.map((r) => pgText(r.estimateBasis)), 'text[]'],
    [records.map((r) => pgText(r.startedAt ?? r.timestamp)), 'text[]'],
  ]);
}

/** The group's requests folded as if new, in key order: what the insert offers. */
export function requestsToInsert(folded: Map<string, RequestRecord>): RequestRecord[] {
  return [...folded.entries()].map(([key, record]) => ({ key, record })).sort(byKey).map((r) => r.record);
}

/**
 * Two CTEs for one statement (`rq` is the name of a third, the records): `lk` locks the records
 * stored already (FOR UPDATE, in key order) and returns them, `r` inserts the others (ON CONFLICT
 * DO NOTHING) and returns the keys it created. The usual case, every request new, needs no
 * lookup; a stored one needs no round trip of its own. Both read the statement's snapshot: a
 * row another transaction commits meanwhile is in neither, and storedRequests asks for it again.
 */
export function requestCtes(params: Params, records: RequestRecord[]): string {
  return `rq AS (SELECT * FROM ${requestsUnnest(params, records)} AS u(${REQUEST_COLUMNS})),
          lk AS (SELECT r.* FROM requests r JOIN rq ON r.message_id = rq.message_id AND r.request_id = rq.request_id
                 ORDER BY r.message_id, r.request_id FOR UPDATE OF r),
          r AS (INSERT INTO requests (${REQUEST_COLUMNS}) SELECT * FROM rq
                ON CONFLICT (message_id, request_id) DO NOTHING RETURNING message_id, request_id)`;
}

/**
 * Every request of the group as it was stored before it (undefined when new): `created` are the
 * keys the insert made, `locked` the stored rows its statement locked FOR UPDATE (so that no other
 * writer can merge into them until this transaction ends, and the delta computed from them is the
 * one that applies). A request in neither was stored by another transaction while the statement
 * ran: it is locked and read here.
 */
export async function storedRequests(
  client: PoolClient,
  records: RequestRecord[],
  created: Set<string>,
  locked: Map<string, RequestRow>,
): Promise<Map<string, RequestRecord | undefined>> {
  const before = new Map<string, RequestRecord | undefined>();
  const missed: RequestRecord[] = [];
  for (const r of records) {
    const key = requestKey(r);
    const row = locked.get(key);
    before.set(key, row ? toRequestRecord(r, row) : undefined);
    if (!row && !created.has(key)) missed.push(r);
  }
  if (missed.length === 0) return before;
  const late = await client.query<RequestRow>({
    name: 'lock-requests',
    text: `SELECT r.* FROM requests r
           JOIN unnest($1::text[], $2::text[]) AS k(message_id, request_id) ON r.message_id = k.message_id AND r.request_id = k.request_id
           ORDER BY r.message_id, r.request_id FOR UPDATE OF r`,
    values: [missed.map((r) => pgText(r.messageId)), missed.map((r) => pgText(r.requestId))],
  });
  const rows = new Map(late.rows.map((row) => [requestKey({ messageId: row.message_id, requestId: row.request_id }), row]));
  for (const r of missed) {
    const row = rows.get(requestKey(r));
    if (row) before.set(requestKey(r), toRequestRecord(r, row));
  }
  return before;
}

/** The requests the group changed that were stored before it: the rows to update. */
export function corrected(stored: Map<string, RequestRecord | undefined>, current: Map<string, RequestRecord | undefined>): RequestRecord[] {
  const changed: RequestRecord[] = [];
  for (const [key, before] of stored) {
    const after = current.get(key);
    if (before !== undefined && after !== undefined && after !== before) changed.push(after);
  }
  return changed;
}

/** UPDATE of stored requests to the records (none: a no-op). */
export function updateRequestsSql(params: Params, records: RequestRecord[]): string {
  return `UPDATE requests r SET session_id = u.session_id, agent_id = u.agent_id, model = u.model, timestamp = u.timestamp,
            line_uuid = u.line_uuid, input_tokens = u.input_tokens, output_tokens = u.output_tokens,
            cache_write_5m_tokens = u.cache_write_5m_tokens, cache_write_1h_tokens = u.cache_write_1h_tokens,
            cache_read_tokens = u.cache_read_tokens, fast = u.fast, cost = u.cost, cost_source = u.cost_source,
            web_search_requests = u.web_search_requests, web_fetch_requests = u.web_fetch_requests,
            inference_geo = u.inference_geo, server_tool_cost = u.server_tool_cost, data_residency_cost = u.data_residency_cost,
            estimated_cost = u.estimated_cost, estimate_basis = u.estimate_basis, started_at = u.started_at
          FROM ${requestsUnnest(params, records)} AS u(${REQUEST_COLUMNS})
          WHERE r.message_id = u.message_id AND r.request_id = u.request_id`;
}

export type RequestRow = SharedRequestRow & { message_id: string; request_id: string };
