import type { Pool } from 'pg';
import type { UsageBucket, UsageQuery, UsageRequest } from '../repository.js';
import { SUBAGENT_TYPE_JOIN, toUsageBucket, toUsageRequest, type UsageBucketRow, type UsageRow } from '../usageRows.js';
import { pgText } from './pgText.js';

/** sqlite/usageQueries.ts in PostgreSQL's dialect (ILIKE: see readQueries.ts). */
export async function usageRequests(pool: Pool, query: UsageQuery): Promise<UsageRequest[]> {
  const { rows } = await pool.query<UsageRow>({
    name: 'usage-requests',
    text: `SELECT r.timestamp, r.session_id, r.agent_id, s.project_path, r.model,
                  r.input_tokens, r.output_tokens, r.cache_write_5m_tokens + r.cache_write_1h_tokens AS cache_creation_tokens,
                  r.cache_read_tokens, r.cost, r.cost_source, m.tool_names, l.subagent_type
           FROM requests r
           LEFT JOIN sessions s ON s.id = r.session_id
           LEFT JOIN messages m ON m.session_id = r.session_id AND m.uuid = r.line_uuid
           ${SUBAGENT_TYPE_JOIN}
           WHERE r.timestamp IS NOT NULL
             AND ($1::text IS NULL OR r.timestamp >= $1)
             AND ($2::text IS NULL OR r.timestamp < $2)
             AND ($3::text IS NULL OR s.project_path = $3 OR s.project_path ILIKE '%' || $3 || '%' ESCAPE '')
             AND ($4::text IS NULL OR r.model = $4)
           ORDER BY r.timestamp, r.message_id, r.request_id`,
    values: [query.from ?? null, query.to ?? null, query.project === undefined ? null : pgText(query.project), query.model === undefined ? null : pgText(query.model)],
  });
  return rows.map(toUsageRequest);
}

/** sqlite/usageQueries.ts's buckets: sums cast back to bigint (numbers, see postgresStore) and double. */
export async function usageBuckets(pool: Pool, query: UsageQuery): Promise<UsageBucket[]> {
  const project = query.project !== undefined;
  const { rows } = await pool.query<UsageBucketRow>({
    name: project ? 'usage-buckets-project' : 'usage-buckets',
    text: `SELECT min(r.timestamp) AS timestamp, max(r.timestamp) AS last_timestamp, r.model,
                  sum(r.input_tokens)::bigint AS input_tokens, sum(r.output_tokens)::bigint AS output_tokens,
                  sum(r.cache_write_5m_tokens + r.cache_write_1h_tokens)::bigint AS cache_creation_tokens,
                  sum(r.cache_read_tokens)::bigint AS cache_read_tokens, sum(r.cost)::double precision AS cost, count(*) AS entries
           FROM requests r
           ${project ? 'JOIN sessions s ON s.id = r.session_id' : ''}
           WHERE r.timestamp IS NOT NULL
             AND ($1::text IS NULL OR r.timestamp >= $1)
             AND ($2::text IS NULL OR r.timestamp < $2)
             AND ($3::text IS NULL OR r.model = $3)
             ${project ? "AND (s.project_path = $4 OR s.project_path ILIKE '%' || $4 || '%' ESCAPE '')" : ''}
           GROUP BY substr(r.timestamp, 1, 16), substr(r.timestamp, 15) = '00:00.000Z', r.model
           ORDER BY 1, r.model COLLATE "C"`,
    values: [query.from ?? null, query.to ?? null, query.model === undefined ? null : pgText(query.model), ...(project ? [pgText(query.project as string)] : [])],
  });
  return rows.map(toUsageBucket);
}
