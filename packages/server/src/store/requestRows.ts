import type { RequestRecord } from '../core/accounting.js';

/**
 * A stored request as either driver returns its row: one mapping for both, so the request a
 * correction is merged with (invariant 1) is read the same way on SQLite and PostgreSQL.
 */
export interface RequestRow {
  session_id: string;
  agent_id: string;
  model: string;
  timestamp: string | null;
  started_at: string | null;
  line_uuid: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  /** SQLite has no booleans: 0 or 1 there. */
  fast: boolean | number;
  cost: number;
  cost_source: RequestRecord['costSource'];
  /** PostgreSQL's bigint comes back as a string from a JSON row. */
  web_search_requests: number | string;
  web_fetch_requests: number | string;
  inference_geo: string;
  server_tool_cost: number;
  data_residency_cost: number;
  estimated_cost: number | null;
  estimate_basis: string | null;
}

export function toRequestRecord(key: Pick<RequestRecord, 'messageId' | 'requestId'>, row: RequestRow): RequestRecord {
  return {
    messageId: key.messageId,
    requestId: key.requestId,
    sessionId: row.session_id,
    agentId: row.agent_id,
    model: row.model,
    timestamp: row.timestamp,
    startedAt: row.started_at,
    lineUuid: row.line_uuid,
    usage: {
      input: row.input_tokens,
      output: row.output_tokens,
      cacheWrite5m: row.cache_write_5m_tokens,
      cacheWrite1h: row.cache_write_1h_tokens,
      cacheRead: row.cache_read_tokens,
      fast: row.fast === true || row.fast === 1,
      webSearchRequests: Number(row.web_search_requests),
      webFetchRequests: Number(row.web_fetch_requests),
      inferenceGeo: row.inference_geo,
    },
    cost: row.cost,
    costSource: row.cost_source,
    serverToolCost: row.server_tool_cost,
    dataResidencyCost: row.data_residency_cost,
    estimatedCost: row.estimated_cost,
    estimateBasis: row.estimate_basis,
  };
}
