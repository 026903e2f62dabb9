// A watcher remembers the offsets it committed instead of asking before every read. Two ways the
// store's offsets move under it, and every line must end up stored once, as in a clean ingest:
// - PostgreSQL commits ingest without waiting for the WAL (INGEST_COMMIT in postgresStore.ts): a
//   crash of PostgreSQL loses the last commits the watcher remembers. Here the crash is a copy of
//   the database taken before the last commit (CREATE DATABASE … TEMPLATE), which the reader is
//   then pointed at: what a restarted server that lost that commit holds.
// - On SQLite, `claudelens import` run beside `serve` on the same data dir reads the same files
//   through a connection of its own: here, a second reader on a second connection.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPriceBook } from '../src/config/prices.js';
import { describeFile } from '../src/ingest/discover.js';
import { groupCommits } from '../src/ingest/groupCommits.js';
import type { IngestContext } from '../src/ingest/ingestSource.js';
import { openStore } from '../src/store/openStore.js';
import { OFFSET_MOVED, type Store } from '../src/store/repository.js';
import { assistantLine, emptyHome, tempDir } from './helpers.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from './pgDatabase.js';

const prices = loadPriceBook(null);
const session = 'c0a1c0a1-0000-4000-8000-00000000c0de';
/** A second transcript, committed with the first: the lost commit held lines of both. */
const other = 'c0a1c0a1-0000-4000-8000-00000000beef';
const line = (n: number, sessionId = session) =>
  assistantLine({ sessionId, uuid: `${sessionId}-${n}`, messageId: `msg_${sessionId}_${n}`, requestId: `req_${n}`, input: 100, output: n, timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, n)).toISOString() });

describe('remembered offsets after PostgreSQL lost commits', () => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  const open = async (db: TestDatabase) => {
    const store = await openStore({ kind: 'postgres', url: db.url });
    stores.push(store);
    return store;
  };
  /** A copy of `db` as it is now (no connection to it may be open). */
  const snapshot = async (db: TestDatabase) => {
    const copy = await createTestDatabase(db);
    databases.push(copy);
    return copy;
  };
  afterAll(async () => {
    await Promise.allSettled(stores.map((s) => s.close()));
    for (const db of databases) await db.drop();
  });

  /** Lines 1-3 committed, then a copy of the database, then lines 4-5 committed: the copy lost them. */
  async function lostCommit() {
    const { home, projectDir } = emptyHome();
    const file = path.join(projectDir, `${session}.jsonl`);
    const otherFile = path.join(projectDir, `${other}.jsonl`);
    const append = (...ns: number[]) => fs.appendFileSync(file, ns.map((n) => `${line(n)}\n`).join(''));
    const appendOther = (...ns: number[]) => fs.appendFileSync(otherFile, ns.map((n) => `${line(n, other)}\n`).join(''));
    const db = await createTestDatabase();
    databases.push(db);
    const first = await open(db);
    const ctx: IngestContext & { store: Store } = { store: first, prices };
    const reader = groupCommits(ctx, { remember: true });
    const ref = describeFile(home, `-tmp-demo/${session}.jsonl`);
    const otherRef = describeFile(home, `-tmp-demo/${other}.jsonl`);
    append(1, 2, 3);
    appendOther(1);
    await Promise.all([reader.read(ref), reader.read(otherRef)]);
    await first.close();
    const restarted = await snapshot(db);
    ctx.store = await open(db);
    append(4, 5);
    appendOther(2);
    await Promise.all([reader.read(ref), reader.read(otherRef)]);
    expect(await ctx.store.session(session)).toMatchObject({ messageCount: 5 });
    expect(await ctx.store.session(other)).toMatchObject({ messageCount: 2 });
    expect(reader.offset(file)).toBe(fs.statSync(file).size);
    ctx.store = await open(restarted);
    expect(await ctx.store.session(session)).toMatchObject({ messageCount: 3 });
    return { ctx, reader, ref, file, append, otherFile, otherRef, restarted };
  }

  it('a read from a remembered offset the store lost is refused, and the file is read again from the stored one', async () => {
    const { ctx, reader, ref, file, append, otherFile, otherRef } = await lostCommit();
    append(6);
    await expect(reader.read(ref)).rejects.toThrow(OFFSET_MOVED);
    // Forgotten, the other file too (its lines were in the lost commit): the next reads ask the store.
    expect(reader.offset(file)).toBeUndefined();
    expect(reader.offset(otherFile)).toBeUndefined();
    await reader.read(otherRef);
    expect(await ctx.store.session(other)).toMatchObject({ messageCount: 2 });
    expect(await ctx.store.session(session)).toMatchObject({ messageCount: 3 });
    await reader.read(ref);
    expect(await ctx.store.session(session)).toMatchObject({ messageCount: 6, requests: 6, inputTokens: 600, outputTokens: 21 });
    expect(reader.offset(file)).toBe(fs.statSync(file).size);
  });

  it('a lost connection makes the reader forget its offsets, so a file with nothing new is read again from the stored one', async () => {
    const { ctx, reader, ref, file, restarted } = await lostCommit();
    // The restart broke the store's idle connections.
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [restarted.name]).finally(() => admin.end());
    await expect.poll(() => ctx.store.cluster?.connectionLosses(), { timeout: 5000 }).toBeGreaterThan(0);
    await reader.read(ref);
    expect(await ctx.store.session(session)).toMatchObject({ messageCount: 5, requests: 5, outputTokens: 15 });
    expect(reader.offset(file)).toBe(fs.statSync(file).size);
  });
});

describe('remembered offsets on SQLite with a second writer', () => {
  it("a read from a remembered offset that another connection's reader has moved is refused, and the file is read again from the stored one", async () => {
    const { home, projectDir } = emptyHome();
    const file = path.join(projectDir, `${session}.jsonl`);
    const append = (...ns: number[]) => fs.appendFileSync(file, ns.map((n) => `${line(n)}\n`).join(''));
    const dataDir = tempDir();
    const serveStore = await openStore({ kind: 'sqlite', dataDir });
    const importStore = await openStore({ kind: 'sqlite', dataDir });
    try {
      const serve = groupCommits({ store: serveStore, prices }, { remember: true });
      const importer = groupCommits({ store: importStore, prices }, { remember: false });
      const ref = describeFile(home, `-tmp-demo/${session}.jsonl`);
      append(1, 2, 3);
      await serve.read(ref);
      expect(serve.offset(file)).toBe(fs.statSync(file).size);
      append(4, 5);
      await importer.read(ref);
      append(6);
      await expect(serve.read(ref)).rejects.toThrow(OFFSET_MOVED);
      expect(serve.offset(file)).toBeUndefined();
      expect(await serveStore.session(session)).toMatchObject({ messageCount: 5 });
      await serve.read(ref);
      expect(await serveStore.session(session)).toMatchObject({ messageCount: 6, requests: 6, inputTokens: 600, outputTokens: 21 });
      expect(serve.offset(file)).toBe(fs.statSync(file).size);
    } finally {
      await serveStore.close();
      await importStore.close();
    }
  });
});
