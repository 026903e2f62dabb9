import type { UsageQuery } from './repository.js';

// The SQL behind Store.usageRequests and Store.usageBuckets, written once for both drivers: each
// gives a UsageDialect for the few places where SQLite and PostgreSQL differ. Grouping the rows
// (days, weeks, blocks) is core/usageReport.ts's job.

/** The query's parameters, in the order PostgreSQL numbers them; `project` last, as buckets may leave it out. */
const PARAMS = ['from', 'to', 'model', 'project'] as const;
export type UsageParam = (typeof PARAMS)[number];

/** How one dialect writes what the usage SQL needs. */
export interface UsageDialect {
  /** The placeholder of a parameter; `typed` where it stands alone in `IS NULL` and PostgreSQL must be told it is text. */
  param(name: UsageParam, typed?: boolean): string;
  /** `column` holds `value` somewhere: LIKE as SQLite's (case-insensitive for ASCII only, no escape character). */
  contains(column: string, value: string): string;
  /** A sum of integer columns, as the driver returns it as a number. */
  integerSum(expression: string): string;
  /** A sum of floating-point columns, likewise. */
  realSum(expression: string): string;
  /** A text column in an ORDER BY, ordered by bytes. */
  byteOrder(column: string): string;
}

/** SQLite's named parameters (`@from`); its sums, LIKE and text order are what the rules say already. */
export const SQLITE_USAGE: UsageDialect = {
  param: (name) => `@${name}`,
  contains: (column, value) => `${column} LIKE '%' || ${value} || '%'`,
  integerSum: (expression) => `sum(${expression})`,
  realSum: (expression) => `sum(${expression})`,
  byteOrder: (column) => column,
};

/**
 * PostgreSQL's numbered parameters ($1 …, in PARAMS order); ILIKE on "C" text is case-insensitive
 * for ASCII only, as SQLite's LIKE. Sums of bigint come back as numeric and are cast back to bigint
 * (a number, see postgresStore's pool), sums of double to double.
 */
export const POSTGRES_USAGE: UsageDialect = {
  param: (name, typed) => `$${PARAMS.indexOf(name) + 1}${typed ? '::text' : ''}`,
  contains: (column, value) => `${column} ILIKE '%' || ${value} || '%' ESCAPE ''`,
  integerSum: (expression) => `sum(${expression})::bigint`,
  realSum: (expression) => `sum(${expression})::double precision`,
  byteOrder: (column) => `${column} COLLATE "C"`,
};

/** The query's values in PARAMS order, unset ones NULL; without `project` when the SQL has no place for it. */
export function usageValues(query: UsageQuery, project: boolean): (string | null)[] {
  const values = [query.from ?? null, query.to ?? null, query.model ?? null, query.project ?? null];
  return project ? values : values.slice(0, 3);
}

/** The query's values by name, for SQLite's named parameters. */
export function usageNamedValues(query: UsageQuery, project: boolean): Partial<Record<UsageParam, string | null>> {
  return Object.fromEntries(usageValues(query, project).map((value, i) => [PARAMS[i], value]));
}

/**
 * Both drivers' join from a request's run to the type it was started as (docs/usage.md). One row
 * per run at most (a run linked twice takes the least type), so no request is counted twice.
 */
const SUBAGENT_TYPE_JOIN = `LEFT JOIN (
    SELECT session_id, agent_id, MIN(subagent_type) AS subagent_type FROM subagent_links
    WHERE agent_id IS NOT NULL AND subagent_type IS NOT NULL GROUP BY session_id, agent_id
  ) l ON l.session_id = r.session_id AND l.agent_id = r.agent_id`;

/** Requests in the query's time range (from inclusive, to exclusive) and of its model, when set. */
function requestFilter(d: UsageDialect): string {
  return `r.timestamp IS NOT NULL
    AND (${d.param('from', true)} IS NULL OR r.timestamp >= ${d.param('from')})
    AND (${d.param('to', true)} IS NULL OR r.timestamp < ${d.param('to')})
    AND (${d.param('model', true)} IS NULL OR r.model = ${d.param('model')})`;
}

/** A session's project is the one asked for, or holds it (`--project name`). */
function inProject(d: UsageDialect): string {
  return `(s.project_path = ${d.param('project')} OR ${d.contains('s.project_path', d.param('project'))})`;
}

/**
 * The one read usage reports need: stored requests with their session's project and the tools
 * their stored line calls. Every parameter is bound, NULL when unset.
 */
export function usageRequestsSql(d: UsageDialect): string {
  return `
  SELECT r.timestamp, r.session_id, r.agent_id, s.project_path, r.model,
         r.input_tokens, r.output_tokens, r.cache_write_5m_tokens + r.cache_write_1h_tokens AS cache_creation_tokens,
         r.cache_read_tokens, r.cost, r.cost_source, m.tool_names, l.subagent_type
  FROM requests r
  LEFT JOIN sessions s ON s.id = r.session_id
  LEFT JOIN messages m ON m.session_id = r.session_id AND m.uuid = r.line_uuid
  ${SUBAGENT_TYPE_JOIN}
  WHERE ${requestFilter(d)}
    AND (${d.param('project', true)} IS NULL OR ${inProject(d)})
  ORDER BY r.timestamp, r.message_id, r.request_id`;
}

/**
 * The same requests summed per UTC minute (timestamps are canonical ISO: the first 16 characters
 * are the minute) and model. A request exactly on the hour gets a bucket of its own: a block
 * ending then takes it but not the rest of that minute (core/usageBlocks.ts). The sessions join
 * is only there for `project` (bound only then): without it this is one scan of requests.
 */
export function usageBucketsSql(d: UsageDialect, project: boolean): string {
  const tokens = (column: string) => `${d.integerSum(`r.${column}`)} AS ${column}`;
  return `
  SELECT min(r.timestamp) AS timestamp, max(r.timestamp) AS last_timestamp, r.model,
         ${tokens('input_tokens')}, ${tokens('output_tokens')},
         ${d.integerSum('r.cache_write_5m_tokens + r.cache_write_1h_tokens')} AS cache_creation_tokens,
         ${tokens('cache_read_tokens')}, ${d.realSum('r.cost')} AS cost, count(*) AS entries
  FROM requests r
  ${project ? 'JOIN sessions s ON s.id = r.session_id' : ''}
  WHERE ${requestFilter(d)}
    ${project ? `AND ${inProject(d)}` : ''}
  GROUP BY substr(r.timestamp, 1, 16), substr(r.timestamp, 15) = '00:00.000Z', r.model
  ORDER BY 1, ${d.byteOrder('r.model')}`;
}
