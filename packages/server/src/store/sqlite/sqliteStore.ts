import { mergeActivity } from '../activity.js';
import { gatherCalls } from '../gatherCalls.js';
import { toStoredMessage } from '../messageRows.js';
import { toModelTotals } from '../modelTotals.js';
import { NO_TAIL, sharedIfEmpty, type IngestBatch, type SourceState, type Store } from '../repository.js';
import { toTotals } from '../sessionRows.js';
import { toStoredFile, type SourceRow } from '../sourceRows.js';
import { usageSinceParams, usageSinceRows, usageSinceSql } from '../usage.js';
import { applyBatches } from './applyBatches.js';
import { sqliteLimits } from './limitQueries.js';
import { openReadOnlyDatabase, openWritableDatabase } from './openDatabase.js';
import { walCheckpointer, type BackgroundCheckpoints } from './walCheckpointer.js';
import { healthReport, listProjects, listSessions, sessionMessages, sessionPage, sessionSummary } from './readQueries.js';
import { oneRow, prepareStatements } from './statements.js';
import { usageBuckets, usageRequests } from './usageQueries.js';


/**
 * Opens the embedded store in `dataDir`: creating and migrating it, or with `readOnly` (reports on
 * a data dir they may not write to) only reading what is there. With `maxBytes`, this connection
 * lets the file grow to about that size (PRAGMA max_page_count): past it a write fails with
 * SQLITE_FULL, as on a full disk. With `background`, the WAL is checkpointed on a thread of its
 * own instead of inside the commits (walCheckpointer.ts).
 */
export function openSqliteStore(dataDir: string, options: { readOnly?: boolean; maxBytes?: number | null; cacheBytes?: number; background?: BackgroundCheckpoints } = {}): Store {
  const db = options.readOnly ? openReadOnlyDatabase(dataDir) : openWritableDatabase(dataDir, options.maxBytes, options.cacheBytes);
  const checkpointer = options.background && !options.readOnly ? walCheckpointer(db, options.background.onProblem) : null;
  const st = prepareStatements(db);
  const selectUsage = usageRequests(db);
  const selectBuckets = usageBuckets(db);
  // A new file's state is the columns' defaults, made here with the caller's own path strings: a
  // cold import registers its whole history, and a row read back per file was its largest garbage.
  const registerSources = db.transaction((refs: { claudeDir: string; relPath: string }[]) =>
    refs.map(({ claudeDir, relPath }) => {
      const inserted = st.insertSource.run(claudeDir, relPath);
      if (inserted.changes === 1) return { id: Number(inserted.lastInsertRowid), claudeDir, relPath, offset: 0, lineCount: 0, ino: 0, size: 0, tail: NO_TAIL };
      return toSource(oneRow(st.selectSource.get(claudeDir, relPath)));
    }),
  );
  // The files first read in one event-loop turn are registered in one transaction (bench:live at
  // 5000 sessions: 13,720 new files in 2,418 transactions instead of 13,720; docs/ingest.md,
  // "Reading under load").
  const registerGathered = gatherCalls(async (refs: { claudeDir: string; relPath: string }[]) => registerSources(refs));
  const apply = db.transaction((batches: IngestBatch[]) => applyBatches(st, batches));

  return {
    ...sqliteLimits(db),
    async storedFiles(claudeDirs) {
      return st.storedFiles.all(JSON.stringify(claudeDirs)).map(toStoredFile);
    },
    async sources(refs) {
      // Known files (every read but a file's first) need no write transaction: the live watcher
      // asks once per read, and BEGIN/INSERT OR IGNORE/COMMIT each time was a visible share of
      // serve's CPU (figures: docs/ingest.md, "Reading under load").
      // Only the files not found are registered: the rows found are not looked up again.
      const known = refs.map(({ claudeDir, relPath }) => st.selectSource.get(claudeDir, relPath));
      const missing = refs.filter((_, i) => known[i] === undefined);
      if (missing.length === 0) return known.map((row) => toSource(row as SourceRow));
      const registered = await registerGathered(missing);
      let next = 0;
      return known.map((row) => (row === undefined ? (registered[next++] as SourceState) : toSource(row)));
    },
    async applyBatches(batches) {
      // IMMEDIATE takes the write lock up front: backfill workers write through their own connections.
      return apply.immediate(batches);
    },
    async recordFileProblem(claudeDir, relPath, kind, detail) {
      st.insertProblem.run(claudeDir, relPath, null, -1, kind, detail, new Date().toISOString());
    },
    async sessions(filter) {
      return listSessions(db, st, filter ?? {});
    },
    async projects() {
      return listProjects(st);
    },
    async sessionPage(query) {
      return sessionPage(st, query);
    },
    async sessionSummary(sessionId) {
      const row = st.sessionById.get(sessionId);
      return row ? sessionSummary(st, row) : undefined;
    },
    async sessionTotals(sinceIso) {
      return st.activeSessions.all(sinceIso).map(toTotals);
    },
    async session(sessionId) {
      const row = st.sessionById.get(sessionId);
      return row ? toTotals(row) : undefined;
    },
    async sessionModels(sessionId) {
      return st.modelsOfSession.all(sessionId).map((r) => r.model);
    },
    async sessionModelTotals(sessionId) {
      return st.modelTotalsOfSession.all(sessionId).map(toModelTotals);
    },
    async activitySince(sinceIso) {
      return mergeActivity(
        st.messagesPerSecond.all(sinceIso, sinceIso),
        st.requestsPerSecond.all(sinceIso),
      );
    },
    async usageSince(sinces) {
      if (sinces.length === 0) return [];
      const params = Object.fromEntries(usageSinceParams(sinces).map((v, i) => [`p${i + 1}`, v]));
      const row = db.prepare<[Record<string, string>], Record<string, unknown>>(usageSinceSql(sinces.length, (n) => `@p${n}`)).get(params);
      return usageSinceRows(oneRow(row), sinces.length);
    },
    async recentMessages(sessionId, limit) {
      return st.recentMessages.all(sessionId, limit).reverse().map(toStoredMessage);
    },
    async messages(sessionId, page) {
      return sessionMessages(st, sessionId, page);
    },
    async message(sessionId, uuid) {
      const row = st.sessionMessage.get(sessionId, uuid);
      return row && toStoredMessage(row);
    },
    async health(limit) {
      return healthReport(st, limit);
    },
    async usageRequests(query) {
      return selectUsage(query);
    },
    async usageBuckets(query) {
      return selectBuckets(query);
    },
    async counts() {
      return oneRow(st.counts.get());
    },
    async close() {
      await checkpointer?.stop();
      db.close();
    },
  };
}

function toSource(row: SourceRow): SourceState {
  return {
    id: row.id,
    claudeDir: row.claude_dir,
    relPath: row.rel_path,
    offset: row.byte_offset,
    lineCount: row.line_count,
    ino: row.ino,
    size: row.size,
    // better-sqlite3 copies a BLOB into a buffer of its own: no copy here (ownTail is for pool memory).
    tail: sharedIfEmpty(row.tail),
  };
}
