import type { Pool } from 'pg';

/**
 * The tables the write statements join on: the ones whose plans go wrong without statistics.
 * Not messages: only inserted (ON CONFLICT on its key), and the largest table, slow to ANALYZE.
 * (figures: docs/postgres.md, "Statistics and in-place updates").
 */
const WRITTEN = ['sources', 'sessions', 'requests', 'agents', 'line_types', 'session_models', 'projects'];
/** How often the store looks for tables that changed enough since their last ANALYZE. */
export const ANALYZE_EVERY_MS = 10_000;
/**
 * Rows sampled are 300 times this: 3000 instead of PostgreSQL's default 30,000. The write
 * statements' key lookups need the row counts and that the keys are unique, which 3000 rows show.
 * With the default sample each ANALYZE held back the commits around it (figures: docs/postgres.md, "Statistics and in-place updates").
 * Where autovacuum is on, it analyzes these tables at the server's target by its own thresholds.
 */
const STATISTICS_TARGET = 10;

/**
 * ANALYZEs the store's tables whose row count is off from what the planner last saw by more than
 * 50 rows and half of it (grown by half, or shrunk by a third); returns their names.
 *
 * The write statements join the commit's rows to sources, requests and sessions by key. With no
 * statistics, on a fresh database before autovacuum's first round (a minute) or for good where it
 * is off (as on the CI machine), PostgreSQL planned them for a table of a few hundred rows: a
 * sequential scan of all of sources in every commit. ANALYZE samples at most 3000 rows a table
 * (below). Where autovacuum is on, it finds the tables analyzed already and does nothing.
 *
 * Growth, not changes: updates leave the plans of these key lookups as they were, and every commit
 * updates sessions, sources and agents. With autovacuum's threshold (rows changed since the last
 * ANALYZE, updates included) two nodes ANALYZEd most of the tables at every round, and the commits
 * around each waited (figures: docs/postgres.md, "Statistics and in-place updates"). A table growing from nothing is
 * analyzed a few dozen times in all.
 */
export async function analyzeChanged(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ relname: string }>({
    name: 'changed-tables',
    text: `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
           WHERE s.schemaname = current_schema() AND s.relname = ANY($1::text[])
             AND abs(s.n_live_tup - greatest(c.reltuples, 0)) > 50 + 0.5 * greatest(c.reltuples, 0)
           ORDER BY s.relname`,
    values: [WRITTEN],
  });
  const tables = rows.map((row) => row.relname);
  if (tables.length === 0) return tables;
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL default_statistics_target = ${STATISTICS_TARGET}`);
    // Names from the list above, not from anyone's input.
    await client.query(`ANALYZE ${tables.map((t) => `"${t}"`).join(', ')}`);
    await client.query('COMMIT');
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    client.release(failed); // a connection that failed mid-transaction is closed, not reused
  }
  return tables;
}
