import type Database from 'better-sqlite3';
import type { UsageBucket, UsageQuery, UsageRequest } from '../repository.js';
import { SUBAGENT_TYPE_JOIN, toUsageBucket, toUsageRequest, type UsageBucketRow, type UsageRow } from '../usageRows.js';

// The one read usage reports need: stored requests with their session's project and the tools
// their stored line calls. Grouping them (days, weeks, blocks) is core/usageReport.ts's job.
const SQL = `
  SELECT r.timestamp, r.session_id, r.agent_id, s.project_path, r.model,
         r.input_tokens, r.output_tokens, r.cache_write_5m_tokens + r.cache_write_1h_tokens AS cache_creation_tokens,
         r.cache_read_tokens, r.cost, r.cost_source, m.tool_names, l.subagent_type
  FROM requests r
  LEFT JOIN sessions s ON s.id = r.session_id
  LEFT JOIN messages m ON m.session_id = r.session_id AND m.uuid = r.line_uuid
  ${SUBAGENT_TYPE_JOIN}
  WHERE r.timestamp IS NOT NULL
    AND (@from IS NULL OR r.timestamp >= @from)
    AND (@to IS NULL OR r.timestamp < @to)
    AND (@project IS NULL OR s.project_path = @project OR s.project_path LIKE '%' || @project || '%')
    AND (@model IS NULL OR r.model = @model)
  ORDER BY r.timestamp, r.message_id, r.request_id`;

export function usageRequests(db: Database.Database): (query: UsageQuery) => UsageRequest[] {
  const statement = db.prepare(SQL);
  return (query) =>
    (statement.all({ from: query.from ?? null, to: query.to ?? null, project: query.project ?? null, model: query.model ?? null }) as UsageRow[]).map(toUsageRequest);
}

// The same requests summed per UTC minute (timestamps are canonical ISO: the first 16 characters
// are the minute) and model. A request exactly on the hour gets a bucket of its own: a block
// ending then takes it but not the rest of that minute (core/usageBlocks.ts). The sessions join is only there for --project: without it this is
// one scan of requests.
const BUCKETS = (project: boolean) => `
  SELECT min(r.timestamp) AS timestamp, max(r.timestamp) AS last_timestamp, r.model,
         sum(r.input_tokens) AS input_tokens, sum(r.output_tokens) AS output_tokens,
         sum(r.cache_write_5m_tokens + r.cache_write_1h_tokens) AS cache_creation_tokens,
         sum(r.cache_read_tokens) AS cache_read_tokens, sum(r.cost) AS cost, count(*) AS entries
  FROM requests r
  ${project ? 'JOIN sessions s ON s.id = r.session_id' : ''}
  WHERE r.timestamp IS NOT NULL
    AND (@from IS NULL OR r.timestamp >= @from)
    AND (@to IS NULL OR r.timestamp < @to)
    ${project ? "AND (s.project_path = @project OR s.project_path LIKE '%' || @project || '%')" : ''}
    AND (@model IS NULL OR r.model = @model)
  GROUP BY substr(r.timestamp, 1, 16), substr(r.timestamp, 15) = '00:00.000Z', r.model
  ORDER BY 1, r.model`;

export function usageBuckets(db: Database.Database): (query: UsageQuery) => UsageBucket[] {
  const all = db.prepare(BUCKETS(false));
  const inProject = db.prepare(BUCKETS(true));
  return (query) => {
    const params = { from: query.from ?? null, to: query.to ?? null, model: query.model ?? null };
    const rows = query.project === undefined ? all.all(params) : inProject.all({ ...params, project: query.project });
    return (rows as UsageBucketRow[]).map(toUsageBucket);
  };
}
