import type { Pool, PoolClient } from 'pg';
import { migrate } from './migrations.js';
import { inOneWrite } from './oneWrite.js';

// The store's connections to PostgreSQL: the pool, and transactions that pipeline their
// statements and are run again after a deadlock.

/** Connections per store: one writer plus concurrent reads. A backfill opens one store per worker. */
const POOL_SIZE = 4;
/** A transaction PostgreSQL aborted as a deadlock or serialisation failure is run again, up to this many times. */
const ATTEMPTS = 5;
const RETRYABLE = new Set(['40P01', '40001']);

export async function connect(url: string, onLost: () => void): Promise<Pool> {
  const { default: pg } = await import('pg');
  // int8 (counts, sums, offsets) as a number rather than a string: all of them stay below 2^53.
  const types = { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser };
  // Pipelined: a transaction's BEGIN, statements and COMMIT go out without waiting for the
  // answer to the one before, where the answer is not needed (see `transaction`).
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, types, pipeline: true });
  // An idle client that loses its connection (server restart) must not crash the process; it
  // is counted (ClusterStore.connectionLosses).
  pool.on('error', onLost);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await migrate(client);
  } finally {
    client.release();
  }
  return pool;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

/**
 * Runs `work` in one transaction, again from the start when PostgreSQL aborts it as a deadlock.
 * BEGIN is sent without waiting for its answer, so the first statement follows it at once; `work`
 * calls `commit` right after sending its last statement, so COMMIT follows that one the same way
 * (or it is sent when `work` returns). Each wait for an answer is a trip round the event loop, and
 * on a busy node each took milliseconds (bench:live --nodes 2): PostgreSQL sat idle in transaction.
 * `durable: false` commits without waiting for the WAL to reach the disk (see INGEST_COMMIT).
 */
export async function transaction<T>(pool: Pool, work: (client: PoolClient, commit: () => void) => Promise<T>, { durable = true } = {}): Promise<T> {
  return retrying(async () => {
    const client = await pool.connect();
    let broken: Error | undefined;
    // The pool listens for errors only on idle clients: a connection lost while this one is
    // checked out (PostgreSQL restarted between two statements) would be an uncaught 'error'
    // event, which ends the process. Noted here, it fails the transaction and the client is discarded.
    const lost = (error: Error) => (broken = error);
    client.on('error', lost);
    // Answers awaited later; their errors are seen there (or the statement after them fails first).
    const handled = (sent: Promise<unknown>) => (sent.catch(() => {}), sent);
    let committed: Promise<unknown> | undefined;
    const commit = () => void (committed ??= handled(client.query('COMMIT')));
    try {
      // BEGIN and the settings go out in one write with the first statement of `work`.
      const { begun, working } = inOneWrite(client, () => {
        const begun = handled(client.query('BEGIN'));
        // The write statements are planned once per connection, not at every commit: their
        // parameters are arrays whose length the planner does not see anyway, and planning the
        // statement of many CTEs afresh cost PostgreSQL's CPU at every commit (figures:
        // docs/postgres.md, "Several writers at once"). ANALYZE still replaces the plan.
        handled(client.query('SET LOCAL plan_cache_mode = force_generic_plan'));
        if (!durable) handled(client.query('SET LOCAL synchronous_commit = off'));
        return { begun, working: work(client, commit) };
      });
      const result = await working;
      await begun;
      commit();
      await committed;
      return result;
    } catch (error) {
      // A COMMIT sent after a failed statement ends the transaction as a rollback; this one then
      // has nothing to undo. A connection that cannot even roll back is discarded, not returned to the pool.
      await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  });
}

export async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (n >= ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * n));
    }
  }
}
