import type { SessionSummary } from '@claudelens/protocol';

// A session's charges beyond the token cost (docs/pricing.md), summed from its requests when read:
// few requests have any, and a partial index (both drivers' migrations) holds just those, so the
// sum reads a handful of rows and the hot write path keeps no extra session totals.

export type ExtraCharges = NonNullable<SessionSummary['extraCharges']>;
export type UnpricedUsage = NonNullable<SessionSummary['unpriced']>[number];

/** Unpriced requests; the partial index `requests_unpriced` has exactly this predicate. */
export const IS_UNPRICED = "cost_source = 'unpriced'";

// An estimate is known only if every request of the model has one (they share the model, so all or none).
export const UNPRICED_SUMS = `session_id, model, COUNT(*) AS requests, SUM(estimated_cost) AS estimated_cost,
  COUNT(estimated_cost) AS estimated, MAX(estimate_basis) AS estimate_basis`;

export interface UnpricedRow {
  session_id: string;
  model: string;
  requests: number | string;
  estimated_cost: number | null;
  estimated: number | string;
  estimate_basis: string | null;
}

/** Per session id, models sorted. */
export function unpricedBySession(rows: UnpricedRow[]): Map<string, UnpricedUsage[]> {
  const bySession = new Map<string, UnpricedUsage[]>();
  for (const r of [...rows].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))) {
    const known = Number(r.estimated) === Number(r.requests);
    const list = bySession.get(r.session_id) ?? [];
    list.push({ model: r.model, requests: Number(r.requests), estimatedCost: known ? Number(r.estimated_cost) : null, estimateBasis: known ? r.estimate_basis : null });
    bySession.set(r.session_id, list);
  }
  return bySession;
}

/** Rows with something to sum; the partial index `requests_extra` has exactly this predicate. */
export const HAS_EXTRA = "(web_search_requests > 0 OR web_fetch_requests > 0 OR inference_geo = 'us')";

export const EXTRA_SUMS = `session_id, SUM(web_search_requests) AS web_search_requests, SUM(web_fetch_requests) AS web_fetch_requests,
  SUM(server_tool_cost) AS server_tool_cost, SUM(data_residency_cost) AS data_residency_cost,
  SUM(CASE WHEN inference_geo = 'us' THEN 1 ELSE 0 END) AS us_only_requests`;

export interface ExtraRow {
  session_id: string;
  web_search_requests: number | string;
  web_fetch_requests: number | string;
  server_tool_cost: number;
  data_residency_cost: number;
  us_only_requests: number | string;
}

export const NO_EXTRA_CHARGES: ExtraCharges = { webSearchRequests: 0, webFetchRequests: 0, serverToolCost: 0, usOnlyRequests: 0, dataResidencyCost: 0 };

/** Per session id; PostgreSQL returns SUM of bigint as a numeric string. */
export function extraBySession(rows: ExtraRow[]): Map<string, ExtraCharges> {
  return new Map(
    rows.map((r) => [
      r.session_id,
      {
        webSearchRequests: Number(r.web_search_requests),
        webFetchRequests: Number(r.web_fetch_requests),
        serverToolCost: Number(r.server_tool_cost),
        usOnlyRequests: Number(r.us_only_requests),
        dataResidencyCost: Number(r.data_residency_cost),
      },
    ]),
  );
}
