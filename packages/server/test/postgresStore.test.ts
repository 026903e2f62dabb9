// What only the PostgreSQL store has: a server to reach, migrations several nodes may run at
// once, leases that move between nodes, and the CLI end to end with --database-url. The
// behaviour it shares with SQLite is checked in storeContract.test.ts.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionReportSchema, type SessionSummary } from '@claudelens/protocol';
import { loadPriceBook } from '../src/config/prices.js';
import { liveInput } from '../src/core/live/liveInput.js';
import { describeFile } from '../src/ingest/discover.js';
import { SourceLeases } from '../src/ingest/sourceLeases.js';
import { Params } from '../src/store/postgres/params.js';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgresStore.js';
import type { AppliedBatch, SessionTotals, Store } from '../src/store/repository.js';
import { assistantLine, emptyHome, FIXTURE_HOME, ingestEachBatch, runCli, tempDir, userLine } from './helpers.js';
import { createTestDatabase, type TestDatabase } from './pgDatabase.js';

const databases: TestDatabase[] = [];
const stores: Store[] = [];
async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}
function open(url: string, outboxNode?: string): PostgresStore {
  const store = openPostgresStore(url);
  if (outboxNode) store.cluster.keepOutbox(outboxNode);
  stores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.allSettled(stores.splice(0).map((store) => store.close()));
  for (const db of databases.splice(0)) await db.drop();
});

/** Sessions by id with costs rounded: sums of the same costs in another order differ in the last bits. */
function comparable(sessions: SessionSummary[]) {
  const round = (cost: number) => Math.round(cost * 1e9);
  return [...sessions]
    .sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1))
    .map((s) => ({ ...s, totalCost: round(s.totalCost), agents: s.agents.map((a) => ({ ...a, totalCost: round(a.totalCost) })) }));
}

describe('the PostgreSQL store', () => {
  it('migrates once when several nodes start at the same moment', async () => {
    const db = await database();
    const nodes = Array.from({ length: 4 }, () => open(db.url));
    expect(await Promise.all(nodes.map((store) => store.counts()))).toEqual(Array(4).fill({ files: 0, lines: 0, sessions: 0, requests: 0, problems: 0 }));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT version, name FROM claudelens_migrations ORDER BY version');
    await client.end();
    expect(rows).toEqual([
      { version: 1, name: 'store' },
      { version: 2, name: 'in-place updates' },
      { version: 3, name: 'live outbox' },
      { version: 4, name: 'expected offsets' },
      { version: 5, name: 'limit observations' },
      { version: 6, name: 'extra charges per request' },
      { version: 7, name: 'request start' },
      { version: 8, name: 'subagent links' },
      { version: 9, name: 'requests by start' },
    ]);
  });

  it('sends arrays as text PostgreSQL reads as the values pg would send', async () => {
    const texts = ['plain', '', 'say "hi"', 'C:\\dir\\', '\\"', '{a},b', 'NULL', 'null', ' x ', 'é 中文 😀', '\u2028\u007f', null];
    const columns: [unknown[], string][] = [
      [texts, 'text[]'],
      [['tab\tand\nnewline', 'back\\\\n'], 'text[]'],
      [[0, -0, -17, 2 ** 53 - 1, null], 'bigint[]'],
      [[0.1 + 0.2, 1.5e-7, 1e21, -2.5, null], 'double precision[]'],
      [[true, false, null], 'boolean[]'],
      [[Buffer.from('ab\n'), null], 'bytea[]'],
      [[], 'integer[]'],
    ];
    const p = new Params();
    const sql = `SELECT ${columns.map(([values, type]) => p.add(values, type)).join(', ')}`;
    expect(p.values.filter((v) => typeof v === 'string')).toEqual(p.values.filter((_, i) => i !== 1 && i !== 5)); // as text, all but the control characters and bytea[], which pg converts
    const client = new pg.Client({ connectionString: (await database()).url });
    await client.connect();
    try {
      const ours = await client.query({ text: sql, values: p.values, rowMode: 'array' });
      const pgs = await client.query({ text: sql, values: columns.map(([values]) => values), rowMode: 'array' });
      expect(ours.rows).toEqual(pgs.rows);
      const [row] = ours.rows as unknown[][];
      expect(row?.[0]).toEqual(texts);
      expect(row?.[4]).toEqual([true, false, null]);
    } finally {
      await client.end();
    }
  });

  it('fails every call with a clear message when the server cannot be reached, never showing the password', async () => {
    const store = open('postgres://claudelens:secret@127.0.0.1:1/claudelens');
    await expect(store.counts()).rejects.toThrow(/^cannot connect to PostgreSQL at postgres:\/\/claudelens:\*\*\*@127\.0\.0\.1:1\/claudelens: .*ECONNREFUSED/);
    await expect(store.sessions()).rejects.toThrow(/cannot connect to PostgreSQL/);
    await store.close();
  });

  it('moves a node’s claude dirs to another node when it stops renewing', async () => {
    const db = await database();
    let now = 0;
    const clock = { now: () => now, setInterval: (() => 0) as unknown as typeof setInterval, clearInterval: (() => {}) as typeof clearInterval };
    const changes: string[] = [];
    const lease = (node: string, ttlSeconds: number) =>
      new SourceLeases(open(db.url).cluster, { nodeId: node, claudeDirs: ['/home/a/.claude', '/shared/.claude'], ttlSeconds, clock, onChange: (c) => changes.push(`${node} +${c.gained.join(',')} -${c.lost.join(',')}`) });
    const a = lease('a', 60);
    const b = lease('b', 60);
    expect(await a.start(() => {})).toEqual(['/home/a/.claude', '/shared/.claude']);
    expect(await b.start(() => {})).toEqual([]);
    // Node a stops renewing: its leases run out (here at once, with a last claim of ttl 0).
    await open(db.url).cluster.claimSources({ nodeId: 'a', claudeDirs: ['/home/a/.claude', '/shared/.claude'], ttlSeconds: 0 });
    await b.renew();
    expect(b.owned()).toEqual(['/home/a/.claude', '/shared/.claude']);
    await a.renew();
    expect(a.owned()).toEqual([]);
    // By b's own clock its leases run out when it cannot renew them for the ttl.
    now = 61_000;
    expect(b.owned()).toEqual([]);
    now = 0;
    // A clean stop gives the dirs up at once.
    await b.stop();
    const c = lease('c', 60);
    expect(await c.start(() => {})).toEqual(['/home/a/.claude', '/shared/.claude']);
    await c.stop();
    expect(changes).toEqual([
      'a +/home/a/.claude,/shared/.claude -',
      'b +/home/a/.claude,/shared/.claude -',
      'a + -/home/a/.claude,/shared/.claude',
      'c +/home/a/.claude,/shared/.claude -',
    ]);
  });
});

describe('the live outbox', () => {
  /** Appends a turn (a user line and a priced assistant line) to a session's file and ingests it; returns what the commit applied. */
  async function commitTurn(store: Store, home: string, sessionId: string, file = `${sessionId}.jsonl`): Promise<AppliedBatch[]> {
    const [u, a] = [randomUUID(), randomUUID()];
    fs.appendFileSync(
      path.join(home, 'projects', '-tmp-demo', file),
      `${userLine({ sessionId, uuid: u, text: 'hello' })}\n${assistantLine({ sessionId, uuid: a, messageId: `msg_${a}`, requestId: `req_${a}`, output: 7 })}\n`,
    );
    const applied: AppliedBatch[] = [];
    await ingestEachBatch({ store, prices: loadPriceBook(null), onApplied: (batch) => applied.push(batch) }, describeFile(home, `-tmp-demo/${file}`));
    return applied;
  }

  it("keeps each commit that brought something new until a sweep finds it published; another node's sweep gets it back with its sessions as stored now", async () => {
    const db = await database();
    const x = open(db.url, 'node-x');
    const y = open(db.url, 'node-y');
    const { home } = emptyHome();
    const session = randomUUID();
    const [first] = await commitTurn(x, home, session);
    expect(first?.commit).toBe(1);
    const [second] = await commitTurn(x, home, session);
    expect(second?.commit).toBe(2);
    // The same lines again in another file: nothing new, no outbox commit.
    fs.copyFileSync(path.join(home, 'projects', '-tmp-demo', `${session}.jsonl`), path.join(home, 'projects', '-tmp-demo', 'copy.jsonl'));
    const copied: AppliedBatch[] = [];
    await ingestEachBatch({ store: x, prices: loadPriceBook(null), onApplied: (batch) => copied.push(batch) }, describeFile(home, '-tmp-demo/copy.jsonl'));
    expect(copied.map((batch) => [batch.newEntries.length, batch.commit])).toEqual([[0, undefined]]);
    expect(await y.cluster.outboxNodes()).toEqual(['node-x']);

    // Not yet a minute old; and a node's own commits are never handed back to it.
    expect(await y.cluster.sweepOutbox(new Map(), 60_000)).toEqual([]);
    expect(await x.cluster.sweepOutbox(new Map(), 0)).toEqual([]);
    // Commit 1 marked published: deleted. Commit 2 comes back whole, with the session's totals as stored.
    const taken = await y.cluster.sweepOutbox(new Map([['node-x', 1]]), 0);
    expect(taken.map((c) => [c.nodeId, c.commit])).toEqual([['node-x', 2]]);
    const stored = await y.session(session);
    expect(stored?.requests).toBe(2);
    // The commit's live input, as its node would have shared it, with the totals stored now.
    expect(taken[0]?.input).toEqual(liveInput(second?.newEntries ?? [], second?.requestChanges ?? [], [stored as SessionTotals]));
    expect(taken[0]?.input.lines.map((line) => line.uuid)).toEqual(second?.newEntries.map((entry) => entry.uuid));
    expect(taken[0]?.input.costByLine.size).toBeGreaterThan(0);
    // Marked published by whoever took it over: gone.
    expect(await y.cluster.sweepOutbox(new Map([['node-x', 2]]), 0)).toEqual([]);
    expect(await y.cluster.outboxNodes()).toEqual([]);
  });

  it('writes a transaction to the socket twice: BEGIN and settings with its first statement, its last statement with COMMIT', async () => {
    const db = await database();
    const x = open(db.url);
    const { home } = emptyHome();
    const session = randomUUID();
    await commitTurn(x, home, session); // registers the file
    const writes: string[] = [];
    const count = (method: '_write' | '_writev') => {
      const original = net.Socket.prototype[method];
      return vi.spyOn(net.Socket.prototype, method).mockImplementation(function (this: net.Socket, ...args: unknown[]) {
        if (this.remotePort === 5432) writes.push(method);
        return (original as (...a: unknown[]) => void).apply(this, args);
      });
    };
    const spies = [count('_write'), count('_writev')];
    try {
      const [applied] = await commitTurn(x, home, session);
      expect(applied?.newEntries).toHaveLength(2);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    // The file's lookup (one transaction, one round trip), then the commit's two round trips.
    expect(writes).toHaveLength(3);
    expect((await x.session(session))?.messageCount).toBe(4);
  });

  it("runs a node's commits one at a time, so that they finish, and are published, in the order of their numbers", async () => {
    const db = await database();
    const x = open(db.url, 'node-x');
    const { home, projectDir } = emptyHome();
    // Two readers committing at once (two claude dirs' watchers, or one and the shipped files'
    // queue): a file of 1500 turns, and one of a single turn started just after it.
    const big = randomUUID();
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const [u, a] = [randomUUID(), randomUUID()];
      lines.push(userLine({ sessionId: big, uuid: u, text: `prompt ${i}` }), assistantLine({ sessionId: big, uuid: a, messageId: `msg_${a}`, requestId: `req_${a}`, output: 3 }));
    }
    fs.writeFileSync(path.join(projectDir, `${big}.jsonl`), `${lines.join('\n')}\n`);
    const finished: (number | undefined)[] = [];
    const ctx = { store: x, prices: loadPriceBook(null), onApplied: (batch: AppliedBatch) => finished.push(batch.commit) };
    const small = randomUUID();
    fs.writeFileSync(path.join(projectDir, `${small}.jsonl`), `${userLine({ sessionId: small, uuid: randomUUID(), text: 'hi' })}\n`);
    await Promise.all([ingestEachBatch(ctx, describeFile(home, `-tmp-demo/${big}.jsonl`)), ingestEachBatch(ctx, describeFile(home, `-tmp-demo/${small}.jsonl`))]);
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished).toEqual(finished.map((_, i) => i + 1));
  });

  it('drops a commit left unpublished for a quarter of an hour without handing it out; a store not asked to keep an outbox keeps none', async () => {
    const db = await database();
    const x = open(db.url, 'node-x');
    const { home } = emptyHome();
    expect((await commitTurn(x, home, randomUUID()))[0]?.commit).toBe(1);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("UPDATE live_outbox SET written_at = now() - interval '16 minutes'");
    await client.end();
    const y = open(db.url, 'node-y');
    expect(await y.cluster.sweepOutbox(new Map(), 0)).toEqual([]);
    expect(await y.cluster.outboxNodes()).toEqual([]);
    // Not kept before keepOutbox: `claudelens import`, a node's start-up backfill, one node without Redis.
    const plain = open(db.url);
    expect((await commitTurn(plain, home, randomUUID()))[0]?.commit).toBeUndefined();
    expect(await y.cluster.outboxNodes()).toEqual([]);
  });
});

describe('claudelens import and report with --database-url', () => {
  let db: TestDatabase;
  let onPostgres: SessionSummary[];

  beforeAll(async () => {
    db = await database();
    // Worker threads, each with its own connections: the CLI as a user runs it.
    const imported = await runCli(['import', '--claude-dir', FIXTURE_HOME, '--database-url', db.url]);
    expect(imported.stderr).not.toMatch(/Error|at /);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported 117 files, 14\.0 MB, 3919 lines/);
    const report = await runCli(['report', 'sessions', '--json', '--database-url', db.url]);
    onPostgres = SessionReportSchema.parse(JSON.parse(report.stdout)).sessions;
  });

  it('reports what the SQLite store reports for the same corpus', async () => {
    const dataDir = tempDir();
    try {
      expect((await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir])).code).toBe(0);
      const onSqlite = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--data-dir', dataDir])).stdout)).sessions;
      expect(comparable(onPostgres)).toEqual(comparable(onSqlite));
      const health = (args: string[]) => runCli(['report', 'health', '--json', ...args]).then((r) => JSON.parse(r.stdout) as unknown);
      expect(await health(['--database-url', db.url])).toEqual(await health(['--data-dir', dataDir]));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('adds nothing on a second import, with the URL from CLAUDELENS_DATABASE_URL', async () => {
    const env = { CLAUDELENS_DATABASE_URL: db.url };
    const again = await runCli(['import', '--claude-dir', FIXTURE_HOME], env);
    expect(again.stdout).toMatch(/imported 117 files, 14\.0 MB, 0 lines/);
    const report = await runCli(['report', 'sessions', '--json'], env);
    expect(SessionReportSchema.parse(JSON.parse(report.stdout)).sessions).toEqual(onPostgres);
  });

  it('refuses a database URL that is not PostgreSQL', async () => {
    const result = await runCli(['report', 'sessions', '--database-url', 'mysql://root@localhost/claudelens']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--database-url must be a PostgreSQL URL/);
  });
});
