import type Database from 'better-sqlite3';
import type { UsageQuery, UsageRequest } from '../repository.js';
import { SUBAGENT_TYPE_JOIN, toUsageRequest, type UsageRow } from '../usageRows.js';

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
