import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The server the PostgreSQL tests use; the tests create and drop their own databases on it.
 * CI starts PostgreSQL on this machine (trust auth for user postgres).
 */
export const PG_ADMIN_URL = process.env.CLAUDELENS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Runs one statement on the admin database; fails loudly (never skips) when PostgreSQL is not reachable. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(error as Error).message}). The store tests need it: start it ` +
        `(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set CLAUDELENS_TEST_DATABASE_URL.`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database `claudelens_test_<random>` on the test server: empty, or a copy of `template` (to which no connection may be open). */
export async function createTestDatabase(template?: TestDatabase): Promise<TestDatabase> {
  const name = `claudelens_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template.name}` : ''}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // FORCE: a pool a failed test left open must not keep the database alive.
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
