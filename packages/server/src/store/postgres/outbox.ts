import type { Pool } from 'pg';
import { inputFromJson, type LiveInput } from '../../core/live/liveInput.js';
import { OUTBOX_STALE_MS, type OutboxCommit } from '../cluster.js';
import { pgText } from './pgText.js';
import { toTotals, type SessionRow } from '../sessionRows.js';

// The live outbox (docs/scale-out.md): what each commit of a node on the Redis bus brought, kept
// (applyGroup.ts writes it in the commit's own statement) until a sweep finds the node's mark on
// the bus at or past it. A node killed between its commit and its publish leaves its row there,
// and another node's sweep publishes it.

export async function outboxNodes(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ node_id: string }>({ name: 'outbox-nodes', text: 'SELECT DISTINCT node_id FROM live_outbox ORDER BY node_id' });
  return rows.map((row) => row.node_id);
}

/** See ClusterStore.sweepOutbox. `self`: this node, whose rows are deleted when published but never returned. */
export async function sweepOutbox(pool: Pool, self: string | null, published: Map<string, number>, olderThanMs: number): Promise<OutboxCommit[]> {
  // One statement: the SELECT sees the table as it was before the DELETE, so it leaves out by
  // the same tests what the DELETE takes.
  const { rows } = await pool.query<{ node_id: string; commit_no: number; input: string }>({
    name: 'sweep-outbox',
    text: `WITH marks AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS m(node_id, upto)),
           kept AS (
             SELECT o.node_id, o.commit_no, o.written_at, o.written_at < now() - make_interval(secs => $3::double precision) AS stale,
                    o.commit_no <= COALESCE(m.upto, 0) AS published
             FROM live_outbox o LEFT JOIN marks m ON m.node_id = o.node_id),
           gone AS (
             DELETE FROM live_outbox o USING kept k
             WHERE o.node_id = k.node_id AND o.commit_no = k.commit_no AND (k.stale OR k.published))
           SELECT o.node_id, o.commit_no, o.input FROM live_outbox o JOIN kept k ON k.node_id = o.node_id AND k.commit_no = o.commit_no
           WHERE NOT k.stale AND NOT k.published AND o.node_id IS DISTINCT FROM $4::text
             AND o.written_at <= now() - make_interval(secs => $5::double precision)
           ORDER BY o.node_id, o.commit_no`,
    values: [[...published.keys()], [...published.values()], OUTBOX_STALE_MS / 1000, self, olderThanMs / 1000],
  });
  // The table lives on inserts and deletes: its dead rows are cleared here, where autovacuum is off
  // (as on the CI machine) or slow to come. A few hundred rows at most: milliseconds. Housekeeping
  // only: refused (another role owns the table), it is left to autovacuum, and the sweep goes on.
  await pool.query('VACUUM (SKIP_LOCKED) live_outbox').catch(() => {});
  if (rows.length === 0) return [];

  const commits = rows.map((row) => {
    const input = inputFromJson(row.input);
    return { nodeId: row.node_id, commit: Number(row.commit_no), input, touched: sessionsOf(input) };
  });
  const ids = [...new Set(commits.flatMap(({ touched }) => touched))];
  const sessions = await pool.query<SessionRow>({ name: 'outbox-sessions', text: 'SELECT * FROM sessions WHERE id = ANY($1::text[])', values: [ids] });
  const byId = new Map(sessions.rows.map((row) => [row.id, toTotals(row)]));
  return commits.map(({ nodeId, commit, input, touched }) => ({
    nodeId,
    commit,
    input: { ...input, sessions: touched.flatMap((id) => byId.get(id) ?? []) },
  }));
}

/** The sessions a commit touched, as stored (pgText). */
function sessionsOf(input: LiveInput): string[] {
  const ids = new Set<string>();
  for (const line of input.lines) if (line.sessionId) ids.add(pgText(line.sessionId));
  for (const sessionId of input.usageDeltas.keys()) ids.add(pgText(sessionId));
  return [...ids];
}
