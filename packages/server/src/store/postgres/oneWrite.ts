import type { Client, PoolClient } from 'pg';

/**
 * Runs `send`, whose queries go out to PostgreSQL in one socket write instead of one each: the
 * connection is corked around it (pg corks its own messages the same way, per query, and a cork
 * holds until the outermost uncork). A transaction's BEGIN, its SET LOCALs and first statement,
 * then its last statement and COMMIT, were five writes a commit, each a loopback send that wakes
 * the backend: a visible share of a busy node's CPU (figures: docs/postgres.md, "Several writers
 * at once"). `send` must issue its queries synchronously; an async `send` counts up to its first
 * await.
 */
export function inOneWrite<T>(client: PoolClient, send: () => T): T {
  const stream = (client as PoolClient & Partial<Pick<Client, 'connection'>>).connection?.stream;
  stream?.cork();
  try {
    return send();
  } finally {
    stream?.uncork();
  }
}
