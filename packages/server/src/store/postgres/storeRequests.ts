import type { PoolClient } from 'pg';
import type { RequestRecord } from '../../core/accounting.js';
import { byKey, requestKey } from './groupPlan.js';
import { pgText } from './rows.js';

// Requests in the PostgreSQL store, keyed on (message_id, request_id). New ones are inserted
// without a lookup (the usual case); stored ones are locked FOR UPDATE before they are merged,
// so that a correction's delta is computed against the row it replaces.

const REQUEST_COLUMNS = `message_id, request_id, session_id, agent_id, model, timestamp, line_uuid, input_tokens, output_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, fast, cost, cost_source`;
const REQUEST_UNNEST = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
  $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::boolean[], $14::double precision[], $15::text[])`;

function requestValues(records: RequestRecord[]): unknown[] {
  return [
    records.map((r) => pgText(r.messageId)),
    records.map((r) => pgText(r.requestId)),
    records.map((r) => pgText(r.sessionId)),
    records.map((r) => pgText(r.agentId)),
    records.map((r) => pgText(r.model)),
    records.map((r) => pgText(r.timestamp)),
    records.map((r) => pgText(r.lineUuid)),
    records.map((r) => r.usage.input),
    records.map((r) => r.usage.output),
    records.map((r) => r.usage.cacheWrite5m),
    records.map((r) => r.usage.cacheWrite1h),
    records.map((r) => r.usage.cacheRead),
    records.map((r) => r.usage.fast),
    records.map((r) => r.cost),
    records.map((r) => r.costSource),
  ];
}

/**
 * Inserts the group's new requests (the usual case, no lookup first) and locks the ones already
 * stored. Returns every request of the group as it was stored before: undefined when new.
 */
export async function insertRequests(client: PoolClient, folded: Map<string, RequestRecord>): Promise<Map<string, RequestRecord | undefined>> {
  const before = new Map<string, RequestRecord | undefined>();
  if (folded.size === 0) return before;
  const records = [...folded.entries()].map(([key, record]) => ({ key, record })).sort(byKey).map((r) => r.record);
  const inserted = await client.query<{ message_id: string; request_id: string }>({
    name: 'insert-requests',
    text: `INSERT INTO requests (${REQUEST_COLUMNS}) SELECT * FROM ${REQUEST_UNNEST}
           ON CONFLICT (message_id, request_id) DO NOTHING RETURNING message_id, request_id`,
    values: requestValues(records),
  });
  const created = new Set(inserted.rows.map((r) => requestKey({ messageId: r.message_id, requestId: r.request_id })));
  const existing = records.filter((r) => !created.has(requestKey(r)));
  for (const r of records) before.set(requestKey(r), undefined);
  if (existing.length === 0) return before;
  // FOR UPDATE: no other writer can merge into these rows until this transaction ends, so the
  // delta computed from what is read here is the one that applies.
  const locked = await client.query<RequestRow>({
    name: 'lock-requests',
    text: `SELECT r.* FROM requests r
           JOIN unnest($1::text[], $2::text[]) AS k(message_id, request_id) ON r.message_id = k.message_id AND r.request_id = k.request_id
           ORDER BY r.message_id, r.request_id FOR UPDATE OF r`,
    values: [existing.map((r) => pgText(r.messageId)), existing.map((r) => pgText(r.requestId))],
  });
  const rows = new Map(locked.rows.map((row) => [requestKey({ messageId: row.message_id, requestId: row.request_id }), row]));
  for (const r of existing) {
    const row = rows.get(requestKey(r));
    if (row) before.set(requestKey(r), toRequest(r, row));
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

export async function updateRequests(client: PoolClient, records: RequestRecord[]): Promise<void> {
  if (records.length === 0) return;
  await client.query({
    name: 'update-requests',
    text: `UPDATE requests r SET session_id = u.session_id, agent_id = u.agent_id, model = u.model, timestamp = u.timestamp,
             line_uuid = u.line_uuid, input_tokens = u.input_tokens, output_tokens = u.output_tokens,
             cache_write_5m_tokens = u.cache_write_5m_tokens, cache_write_1h_tokens = u.cache_write_1h_tokens,
             cache_read_tokens = u.cache_read_tokens, fast = u.fast, cost = u.cost, cost_source = u.cost_source
           FROM ${REQUEST_UNNEST} AS u(${REQUEST_COLUMNS})
           WHERE r.message_id = u.message_id AND r.request_id = u.request_id`,
    values: requestValues(records),
  });
}

interface RequestRow {
  message_id: string;
  request_id: string;
  session_id: string;
  agent_id: string;
  model: string;
  timestamp: string | null;
  line_uuid: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  fast: boolean;
  cost: number;
  cost_source: RequestRecord['costSource'];
}

function toRequest(key: RequestRecord, row: RequestRow): RequestRecord {
  return {
    messageId: key.messageId,
    requestId: key.requestId,
    sessionId: row.session_id,
    agentId: row.agent_id,
    model: row.model,
    timestamp: row.timestamp,
    lineUuid: row.line_uuid,
    usage: {
      input: row.input_tokens,
      output: row.output_tokens,
      cacheWrite5m: row.cache_write_5m_tokens,
      cacheWrite1h: row.cache_write_1h_tokens,
      cacheRead: row.cache_read_tokens,
      fast: row.fast,
    },
    cost: row.cost,
    costSource: row.cost_source,
  };
}
