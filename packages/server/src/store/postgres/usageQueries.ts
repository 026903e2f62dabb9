import type { Pool } from 'pg';
import type { UsageBucket, UsageQuery, UsageRequest } from '../repository.js';
import { toUsageBucket, toUsageRequest, type UsageBucketRow, type UsageRow } from '../usageRows.js';
import { POSTGRES_USAGE, usageBucketsSql, usageRequestsSql, usageValues } from '../usageSql.js';
import { pgText } from './pgText.js';

const REQUESTS_SQL = usageRequestsSql(POSTGRES_USAGE);
const BUCKETS_SQL = usageBucketsSql(POSTGRES_USAGE, false);
const BUCKETS_IN_PROJECT_SQL = usageBucketsSql(POSTGRES_USAGE, true);

/** The query's values, its names as PostgreSQL can hold them (see pgText). */
function values(query: UsageQuery, project: boolean): (string | null)[] {
  return usageValues({ ...query, model: query.model && pgText(query.model), project: query.project && pgText(query.project) }, project);
}

export async function usageRequests(pool: Pool, query: UsageQuery): Promise<UsageRequest[]> {
  const { rows } = await pool.query<UsageRow>({ name: 'usage-requests', text: REQUESTS_SQL, values: values(query, true) });
  return rows.map(toUsageRequest);
}

export async function usageBuckets(pool: Pool, query: UsageQuery): Promise<UsageBucket[]> {
  const project = query.project !== undefined;
  const { rows } = await pool.query<UsageBucketRow>({
    name: project ? 'usage-buckets-project' : 'usage-buckets',
    text: project ? BUCKETS_IN_PROJECT_SQL : BUCKETS_SQL,
    values: values(query, project),
  });
  return rows.map(toUsageBucket);
}
