import type Database from 'better-sqlite3';
import type { UsageBucket, UsageQuery, UsageRequest } from '../repository.js';
import { toUsageBucket, toUsageRequest, type UsageBucketRow, type UsageRow } from '../usageRows.js';
import { SQLITE_USAGE, usageBucketsSql, usageNamedValues, usageRequestsSql, type UsageParam } from '../usageSql.js';

type UsageValues = [Partial<Record<UsageParam, string | null>>];

export function usageRequests(db: Database.Database): (query: UsageQuery) => UsageRequest[] {
  const statement = db.prepare<UsageValues, UsageRow>(usageRequestsSql(SQLITE_USAGE));
  return (query) => statement.all(usageNamedValues(query, true)).map(toUsageRequest);
}

/** One statement with the sessions join for --project, one without. */
export function usageBuckets(db: Database.Database): (query: UsageQuery) => UsageBucket[] {
  const all = db.prepare<UsageValues, UsageBucketRow>(usageBucketsSql(SQLITE_USAGE, false));
  const inProject = db.prepare<UsageValues, UsageBucketRow>(usageBucketsSql(SQLITE_USAGE, true));
  return (query) => {
    const project = query.project !== undefined;
    return (project ? inProject : all).all(usageNamedValues(query, project)).map(toUsageBucket);
  };
}
