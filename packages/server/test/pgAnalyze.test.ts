// The PostgreSQL store keeps the planner's statistics itself, on the real PostgreSQL of this machine.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeChanged } from '../src/store/postgres/analyze.js';
import { openPostgresStore } from '../src/store/postgres/postgresStore.js';
import { createTestDatabase, type TestDatabase } from './pgDatabase.js';

let db: TestDatabase | null = null;
afterEach(async () => {
  await db?.drop();
  db = null;
});

describe('analyzeChanged', () => {
  it('ANALYZEs the tables that grew past the threshold since their last analysis; updates alone do not count', async () => {
    db = await createTestDatabase();
    const store = openPostgresStore(db.url);
    // Registers 500 files: sources changes by 500 rows, nothing else does.
    const files = Array.from({ length: 500 }, (_, i) => ({ claudeDir: '/home/dev/.claude', relPath: `p/s${i}.jsonl` }));
    expect(await store.sources(files)).toHaveLength(500);
    await store.close();

    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const analyzedAt = async () =>
        (await pool.query<{ last_analyze: Date | null }>(`SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'sources'`)).rows[0]?.last_analyze ?? null;
      // The statistics system reports the inserts a moment after they commit.
      let analyzed: string[] = [];
      for (let i = 0; i < 50 && !analyzed.includes('sources'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        analyzed = await analyzeChanged(pool);
      }
      expect(analyzed).toEqual(['sources']);
      expect(await analyzedAt()).toBeInstanceOf(Date);
      const planner = await pool.query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'sources'`);
      expect(planner.rows[0]?.reltuples).toBe(500);
      // With a small statistics target (a tenth of PostgreSQL's default): 500 distinct paths give
      // a histogram of 11 bounds, not 101. The row count above is what the write statements need.
      const bounds = await pool.query<{ n: number }>(
        `SELECT array_length(histogram_bounds::text::text[], 1) AS n FROM pg_stats WHERE tablename = 'sources' AND attname = 'rel_path'`,
      );
      expect(bounds.rows[0]?.n).toBe(11);
      const target = await pool.query<{ default_statistics_target: string }>('SHOW default_statistics_target');
      expect(target.rows[0]?.default_statistics_target).toBe('100'); // SET LOCAL: the pool's connection is as it was
      expect(await analyzeChanged(pool)).toEqual([]);

      // Every row updated twice (what commits do to sources, sessions and agents): no new ANALYZE.
      await pool.query(`UPDATE sources SET line_count = line_count + 1`);
      await pool.query(`UPDATE sources SET line_count = line_count + 1`);
      const modified = async () =>
        (await pool.query<{ n: number }>(`SELECT n_mod_since_analyze::integer AS n FROM pg_stat_user_tables WHERE relname = 'sources'`)).rows[0]?.n ?? 0;
      for (let i = 0; i < 50 && (await modified()) < 1000; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await modified()).toBe(1000); // past autovacuum's threshold (50 + a tenth of 500)
      expect(await analyzeChanged(pool)).toEqual([]);

      // Grown by more than half: analyzed again.
      await pool.query(`INSERT INTO sources (claude_dir, rel_path) SELECT '/home/dev/.claude', 'q/' || n || '.jsonl' FROM generate_series(1, 400) n`);
      analyzed = [];
      for (let i = 0; i < 50 && !analyzed.includes('sources'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        analyzed = await analyzeChanged(pool);
      }
      expect(analyzed).toEqual(['sources']);
    } finally {
      await pool.end();
    }
  });
});
