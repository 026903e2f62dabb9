import type { ModelTotals } from '@claudelens/protocol';

// A session's requests summed per model, the same query and row mapping on both drivers.

/** `$1` is the session id (SQLite's statement swaps it for `?`). */
export const MODEL_TOTALS_SQL = `SELECT model, count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
       sum(cache_write_5m_tokens + cache_write_1h_tokens) AS cache_creation_tokens, sum(cache_read_tokens) AS cache_read_tokens, sum(cost) AS cost
  FROM requests WHERE session_id = $1 GROUP BY model ORDER BY sum(cost) DESC, model`;

/** PostgreSQL answers count and sum of bigint as strings; SQLite as numbers. */
export interface ModelTotalsRow {
  model: string;
  requests: number | string;
  input_tokens: number | string;
  output_tokens: number | string;
  cache_creation_tokens: number | string;
  cache_read_tokens: number | string;
  cost: number | string;
}

export function toModelTotals(row: ModelTotalsRow): ModelTotals {
  return {
    model: row.model,
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheCreationTokens: Number(row.cache_creation_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    // A sum of floating-point request costs: rounded to the micro-dollar's thousandth, as the session total is exact to the micro-dollar.
    totalCost: Math.round(Number(row.cost) * 1e9) / 1e9,
  };
}
