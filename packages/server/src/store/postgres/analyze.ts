import type { Pool } from 'pg';

/**
 * The tables the write statements join on: the ones whose plans go wrong without statistics.
 * Not messages: only inserted (ON CONFLICT on its key), and at 100,000 rows ANALYZE of it took 400 ms.
 */
const WRITTEN = ['sources', 'sessions', 'requests', 'agents', 'line_types', 'session_models', 'projects'];
/** How often the store looks for tables that changed enough since their last ANALYZE. */
export const ANALYZE_EVERY_MS = 10_000;

/**
 * ANALYZEs the store's tables that changed by more than autovacuum's own threshold (50 rows and
 * a tenth of the table) since they were last analyzed; returns their names.
 *
 * The write statements join the commit's rows to sources, requests and sessions by key. With no
 * statistics, on a fresh database before autovacuum's first round (a minute) or for good where it
 * is off (as on the CI machine), PostgreSQL planned them for a table of a few hundred rows: a
 * sequential scan of all of sources in every commit, 15-35 ms each at 12,000 files (bench:live
 * --nodes 2, 5000 sessions). ANALYZE samples at most 30,000 rows a table: milliseconds. Where
 * autovacuum is on, it finds the tables analyzed already and does nothing.
 */
export async function analyzeChanged(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ relname: string }>({
    name: 'changed-tables',
    text: `SELECT relname FROM pg_stat_user_tables
           WHERE schemaname = current_schema() AND relname = ANY($1::text[])
             AND n_mod_since_analyze > 50 + 0.1 * n_live_tup
           ORDER BY relname`,
    values: [WRITTEN],
  });
  const tables = rows.map((row) => row.relname);
  // Names from the list above, not from anyone's input.
  if (tables.length > 0) await pool.query(`ANALYZE ${tables.map((t) => `"${t}"`).join(', ')}`);
  return tables;
}
