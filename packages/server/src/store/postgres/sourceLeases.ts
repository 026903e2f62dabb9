import type { Pool } from 'pg';
import type { SourceClaim, SourceLease } from '../cluster.js';
import { pgText } from './pgText.js';

// Claude-dir ownership across nodes (docs/postgres.md): one row per dir naming the node that
// tails it and until when. Times are the database's clock, so nodes' clocks may disagree.

/**
 * Takes or renews the leases of `claim.claudeDirs`: a dir that is free, expired or already
 * this node's becomes this node's until now + ttl. Returns every dir's lease after the claim.
 */
export async function claimSources(pool: Pool, claim: SourceClaim): Promise<SourceLease[]> {
  const dirs = [...new Set(claim.claudeDirs.map(pgText))].sort();
  if (dirs.length === 0) return [];
  // One statement: a row is taken only if it is free, expired or already ours. Two nodes claiming
  // at once take turns on the row lock, and the second sees the first's fresh lease.
  const { rows } = await pool.query<{ claude_dir: string; node_id: string; expires_at: Date }>({
    name: 'claim-sources',
    text: `WITH claimed AS (
             INSERT INTO source_leases AS l (claude_dir, node_id, acquired_at, heartbeat_at, expires_at)
             SELECT dir, $2, clock_timestamp(), clock_timestamp(), clock_timestamp() + make_interval(secs => $3)
             FROM unnest($1::text[]) AS dir
             ON CONFLICT (claude_dir) DO UPDATE SET
               node_id = excluded.node_id,
               acquired_at = CASE WHEN l.node_id = excluded.node_id THEN l.acquired_at ELSE excluded.acquired_at END,
               heartbeat_at = excluded.heartbeat_at,
               expires_at = excluded.expires_at
             WHERE l.node_id = excluded.node_id OR l.expires_at <= excluded.heartbeat_at
             RETURNING claude_dir, node_id, expires_at)
           SELECT * FROM claimed
           UNION ALL
           SELECT claude_dir, node_id, expires_at FROM source_leases
           WHERE claude_dir = ANY($1::text[]) AND claude_dir NOT IN (SELECT claude_dir FROM claimed)`,
    values: [dirs, claim.nodeId, claim.ttlSeconds],
  });
  const byDir = new Map(rows.map((r) => [r.claude_dir, r]));
  return claim.claudeDirs.map((claudeDir) => {
    const row = byDir.get(pgText(claudeDir));
    // No row: another node took the dir while this claim ran; it is not ours.
    return { claudeDir, owned: row?.node_id === claim.nodeId, nodeId: row?.node_id ?? null, expiresAt: row ? row.expires_at.toISOString() : null };
  });
}

/** Gives up this node's leases of these dirs at once (a clean shutdown), so another node need not wait for them to expire. */
export async function releaseSources(pool: Pool, nodeId: string, claudeDirs: string[]): Promise<void> {
  await pool.query({
    name: 'release-sources',
    text: 'DELETE FROM source_leases WHERE node_id = $1 AND claude_dir = ANY($2::text[])',
    values: [nodeId, claudeDirs.map(pgText)],
  });
}
