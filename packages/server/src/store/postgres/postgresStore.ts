import type { Pool } from 'pg';
import type { ClusterStore } from '../cluster.js';
import { ownTail, type SourceState, type Store } from '../repository.js';
import { analyzeChanged, ANALYZE_EVERY_MS } from './analyze.js';
import { applyGroup } from './applyGroup.js';
import { gatherCalls } from '../gatherCalls.js';
import { postgresLimits } from './limitQueries.js';
import { connect, retrying, transaction } from './connection.js';
import { outboxNodes, sweepOutbox } from './outbox.js';
import * as read from './readQueries.js';
import { pgText } from './pgText.js';
import { toTotals } from '../sessionRows.js';
import { toStoredFile, type SourceRow, type StoredFileRow } from '../sourceRows.js';
import { claimSources, releaseSources } from './sourceLeases.js';
import { usageBuckets, usageRequests } from './usageQueries.js';

/**
 * Ingest commits do not wait for their WAL to reach the disk (`synchronous_commit = off`, for
 * these transactions only). A crash of PostgreSQL (not of a node) loses the last of them, up to
 * three times `wal_writer_delay` (0.6 s by default), always whole and in order: lines, totals
 * and offsets together. The transcripts, and shipped files' mirrors, are the buffer: read again
 * from the offsets that survived, those lines are stored once, as if never read. A node that
 * remembers its offsets finds out through IngestBatch.expectOffset and connectionLosses. Waiting
 * for the flush put an fsync in every commit, and commits run one at a time: every line read
 * meanwhile waited behind it (figures: docs/postgres.md, "Durability").
 */
const INGEST_COMMIT = { durable: false };

/** A store shared by nodes: its cluster part is always there. */
export type PostgresStore = Store & { readonly cluster: ClusterStore };

/**
 * Opens the PostgreSQL store at `url` (postgres://user@host:port/db). Returns at once: the
 * driver is loaded, the pool connected and the schema migrated in the background, and the first
 * call waits for that (and fails with its error). `pg` is loaded only here, so that commands
 * on SQLite never pay for it.
 */
export function openPostgresStore(url: string): PostgresStore {
  let connectionLosses = 0;
  const ready = connect(url, () => connectionLosses++);
  ready.catch(() => {}); // reported by the first call that awaits it
  const pool = () => ready;
  // Statistics for the planner, whatever autovacuum does (see analyzeChanged). A failure (the
  // database away for a moment) waits for the next round.
  let analyzing = false;
  const analyzer = setInterval(() => {
    if (analyzing) return;
    analyzing = true;
    void ready
      .then(analyzeChanged)
      .catch(() => {})
      .finally(() => (analyzing = false));
  }, ANALYZE_EVERY_MS);
  analyzer.unref();
  // This node's commits, numbered for the live outbox once it keeps one (see OutboxStore.keepOutbox).
  // Numbered, they run one at a time (each claude dir's watcher and the shipped files' queue
  // commit on their own): the bus takes a commit's number as the node's mark once it has gone out,
  // and skips a commit at or below the mark as taken over, so they must finish, and go out, in order.
  let outboxNode: string | undefined;
  let commits = 0;
  let lastCommit: Promise<unknown> = Promise.resolve();

  return {
    ...postgresLimits(pool),
    // One lookup at a time, for every file asked about meanwhile (see gatherCalls).
    async storedFiles(claudeDirs) {
      const { rows } = await (await pool()).query<StoredFileRow>({
        name: 'stored-files',
        text: 'SELECT claude_dir, rel_path, byte_offset, ino, size, mtime_ms FROM sources WHERE claude_dir = ANY($1::text[])',
        values: [claudeDirs.map(pgText)],
      });
      return rows.map(toStoredFile);
    },
    sources: gatherCalls(async (refs) => lookupSources(await pool(), refs)),
    async applyBatches(batches) {
      const db = await pool();
      const nodeId = outboxNode;
      // Not waiting for the WAL (see INGEST_COMMIT): the files are the buffer.
      if (nodeId === undefined) return transaction(db, (client, commit) => applyGroup(client, batches, commit), INGEST_COMMIT);
      const turn = lastCommit.then(() => {
        const outbox = { nodeId, commit: ++commits };
        return transaction(db, (client, commit) => applyGroup(client, batches, commit, outbox), INGEST_COMMIT);
      });
      lastCommit = turn.catch(() => {});
      return turn;
    },
    async recordFileProblem(claudeDir, relPath, kind, detail) {
      const db = await pool();
      await db.query({
        name: 'insert-file-problem',
        text: `INSERT INTO problems (claude_dir, rel_path, line_no, byte_offset, kind, detail, seen_at)
               VALUES ($1, $2, NULL, -1, $3, $4, $5) ON CONFLICT (claude_dir, rel_path, byte_offset, kind) DO NOTHING`,
        values: [pgText(claudeDir), pgText(relPath), pgText(kind), pgText(detail), new Date().toISOString()],
      });
    },
    async sessions(filter) {
      return read.listSessions(await pool(), filter ?? {});
    },
    async projects() {
      return read.listProjects(await pool());
    },
    async usageRequests(query) {
      return usageRequests(await pool(), query);
    },
    async usageBuckets(query) {
      return usageBuckets(await pool(), query);
    },
    async sessionPage(query) {
      return read.sessionPage(await pool(), query);
    },
    async sessionSummary(sessionId) {
      return read.sessionSummary(await pool(), sessionId);
    },
    async sessionTotals(sinceIso) {
      return read.activeSessions(await pool(), sinceIso);
    },
    async session(sessionId) {
      const row = await read.sessionRow(await pool(), sessionId);
      return row ? toTotals(row) : undefined;
    },
    async sessionModels(sessionId) {
      return read.sessionModels(await pool(), sessionId);
    },
    async sessionModelTotals(sessionId) {
      return read.sessionModelTotals(await pool(), sessionId);
    },
    async activitySince(sinceIso) {
      return read.activitySince(await pool(), sinceIso);
    },
    async usageSince(sinces) {
      return read.usageSince(await pool(), sinces);
    },
    async recentMessages(sessionId, limit) {
      return read.recentMessages(await pool(), sessionId, limit);
    },
    async messages(sessionId, page) {
      return read.sessionMessages(await pool(), sessionId, page);
    },
    async message(sessionId, uuid) {
      return read.sessionMessage(await pool(), sessionId, uuid);
    },
    async health(limit) {
      return read.healthReport(await pool(), limit);
    },
    async counts() {
      return read.counts(await pool());
    },
    // Nodes sharing this database: leases, the live outbox, lost connections.
    cluster: {
      connectionLosses: () => connectionLosses,
      async claimSources(claim) {
        const db = await pool();
        return retrying(() => claimSources(db, claim));
      },
      async releaseSources(nodeId, claudeDirs) {
        await releaseSources(await pool(), nodeId, claudeDirs);
      },
      keepOutbox(nodeId) {
        outboxNode = nodeId;
      },
      async outboxNodes() {
        return outboxNodes(await pool());
      },
      async sweepOutbox(published, olderThanMs) {
        return sweepOutbox(await pool(), outboxNode ?? null, published, olderThanMs);
      },
    },
    async close() {
      clearInterval(analyzer);
      const db = await ready.catch(() => null);
      await db?.end();
    },
  };
}

/**
 * The files' sources, registering those PostgreSQL does not hold yet, in one round trip: the
 * statement selects the known rows and inserts the rest, in a transaction of its own sent at
 * once (BEGIN, statement, COMMIT, pipelined). A select, an insert and a second select, each
 * awaited, kept a new file's first line waiting, and first lines were most of the slowest ones
 * under load (figures: docs/postgres.md, "Several writers at once").
 *
 * The registration commits without waiting for its WAL flush (`synchronous_commit = off`), as
 * ingest commits do (INGEST_COMMIT): the WAL is written in order, so a crash of PostgreSQL that
 * loses a registration loses every commit after it, the lines that used the row included. A
 * reader asks again; one that remembered the row finds it gone (IngestBatch.expectOffset).
 */
async function lookupSources(db: Pool, refs: { claudeDir: string; relPath: string }[]): Promise<SourceState[]> {
  // Unique and in key order: two nodes registering the same files never deadlock.
  const keys = [...new Map(refs.map((r) => [sourceKey(r.claudeDir, r.relPath), r])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const values = [keys.map(([, r]) => pgText(r.claudeDir)), keys.map(([, r]) => pgText(r.relPath))];
  const register = () =>
    transaction(
      db,
      (client, commit) => {
        const registered = client.query<SourceRow>({
          name: 'register-sources',
          text: `WITH r AS (SELECT * FROM unnest($1::text[], $2::text[]) AS r(claude_dir, rel_path)),
                 known AS (SELECT s.* FROM sources s JOIN r ON s.claude_dir = r.claude_dir AND s.rel_path = r.rel_path),
                 added AS (
                   INSERT INTO sources (claude_dir, rel_path)
                   SELECT claude_dir, rel_path FROM r
                   WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.claude_dir = r.claude_dir AND k.rel_path = r.rel_path)
                   ON CONFLICT (claude_dir, rel_path) DO NOTHING
                   RETURNING *)
                 SELECT * FROM known UNION ALL SELECT * FROM added`,
          values,
        });
        commit();
        return registered;
      },
      { durable: false },
    );
  let { rows } = await register();
  // Registered meanwhile by another node's transaction, which the statement's snapshot did not
  // see: the same statement again sees them.
  if (rows.length < keys.length) ({ rows } = await register());
  const stored = new Map(rows.map((row) => [sourceKey(row.claude_dir, row.rel_path), row]));
  return refs.map(({ claudeDir, relPath }) => {
    const row = stored.get(sourceKey(claudeDir, relPath));
    if (!row) throw new Error(`source not registered: ${claudeDir} ${relPath}`);
    return { id: row.id, claudeDir, relPath, offset: row.byte_offset, lineCount: row.line_count, ino: row.ino, size: row.size, tail: ownTail(row.tail) };
  });
}

const sourceKey = (claudeDir: string, relPath: string): string => `${pgText(claudeDir)}\u0000${pgText(relPath)}`;
