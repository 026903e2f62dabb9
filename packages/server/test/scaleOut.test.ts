// Several nodes on one PostgreSQL and one Redis, the real ones on this machine: a node in a child
// process killed with SIGKILL, Redis and PostgreSQL taken away from one node by cutting a TCP relay.
// These tests fail loudly when PostgreSQL or Redis is not reachable; `.ci/run` starts both.
// Over 400 lines: every test here runs on the describe's one database, its Redis reset and its
// node helpers (in-process, CLI child, WebSocket client); split, each file would repeat them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ActivityChannelEventSchema, AlertListSchema, AlertSchema, SessionChannelEventSchema } from '@claudelens/protocol';
import { startServer, type RunningServer, type ServeSettings } from '../src/cli/startServer.js';
import { AlertsConfigSchema } from '../src/config/alertsConfig.js';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { loadPriceBook } from '../src/config/prices.js';
import { describeFile } from '../src/ingest/discover.js';
import { openStore } from '../src/store/openStore.js';
import { assistantLine, CLI, emptyHome, ingestEachBatch, tempDir, userLine, waitFor } from './helpers.js';
import { createTestDatabase, type TestDatabase } from './pgDatabase.js';
import { tcpProxy, type TcpProxy } from './tcpProxy.js';

/** A Redis database of its own: the tests empty it before each test. */
const REDIS_URL = process.env.CLAUDELENS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/11';

type Frame = Record<string, unknown> & { type: string; seq: number };

interface Client {
  ws: WebSocket;
  frames: Frame[];
  open: Promise<void>;
}

function connect(baseUrl: string, urlPath: string): Client {
  const ws = new WebSocket(baseUrl.replace('http', 'ws') + urlPath);
  const frames: Frame[] = [];
  const schema = urlPath.startsWith('/ws/session/') ? SessionChannelEventSchema : ActivityChannelEventSchema;
  ws.on('message', (data) => frames.push(schema.parse(JSON.parse(String(data))) as Frame));
  ws.on('error', () => undefined);
  const open = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, frames, open };
}

/** The uuids of the new_message events a client got, in order. */
const messageUuids = (client: Client) => client.frames.filter((f) => f.type === 'new_message').map((f) => (f.data as { uuid: string }).uuid);

/** The seqs after the first frame (the snapshot) must run on by one: nothing skipped, nothing resent. */
function expectConsecutive(frames: Frame[]): void {
  const seqs = frames.map((f) => f.seq);
  expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
}

async function json(url: string): Promise<unknown> {
  const response = await fetch(url);
  return response.json();
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session file and a way to append user/assistant turns to it; returns the new lines' uuids. */
function transcript(projectDir: string) {
  const sessionId = randomUUID();
  const file = path.join(projectDir, `${sessionId}.jsonl`);
  let n = 0;
  return {
    sessionId,
    append(): string[] {
      n++;
      const u = randomUUID();
      const a = randomUUID();
      fs.appendFileSync(
        file,
        `${userLine({ sessionId, uuid: u, text: `prompt ${n}` })}\n${assistantLine({ sessionId, uuid: a, messageId: `msg_${a}`, requestId: `req_${a}`, output: 5 })}\n`,
      );
      return [u, a];
    },
  };
}

/** Empties the live outbox of the test database (there is none before a node first migrates it). */
async function clearOutbox(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DELETE FROM live_outbox').catch((error: { code?: string }) => {
      if (error.code !== '42P01') throw error; // undefined_table
    });
  } finally {
    await client.end();
  }
}

describe('several nodes on PostgreSQL and Redis', () => {
  let db: TestDatabase;
  const servers: RunningServer[] = [];
  const children: ChildProcess[] = [];
  const proxies: TcpProxy[] = [];

  const node = async (home: string, settings: Partial<ServeSettings> & { databaseUrl?: string }, logger?: FastifyBaseLogger): Promise<RunningServer> => {
    const { databaseUrl, ...rest } = settings;
    const server = await startServer(
      { claudeDirs: [home], dataDir: tempDir(), databaseUrl: databaseUrl ?? db.url, pricesFile: null },
      { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), leaseTtlSeconds: 2, ...rest },
      logger,
    );
    servers.push(server);
    return server;
  };

  /** Node A as the real CLI in a child process (lease ttl 2 s), once it is live. */
  const cliNodeA = async (home: string, redisUrl: string): Promise<{ child: ChildProcess; url: string }> => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--claude-dir', home, '--data-dir', tempDir(), '--database-url', db.url, '--redis-url', redisUrl, '--port', String(port), '--node-id', 'node-a', '--lease-ttl', '2'],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CLAUDELENS_LOG_LEVEL: 'warn' } },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await json(`${url}/healthz`).catch(() => null)) as { phase?: string } | null)?.phase === 'live' || undefined, 30_000, `node A live (${stderr})`);
    return { child, url };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  beforeEach(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    try {
      await redis.connect();
    } catch (error) {
      throw new Error(`Redis is not reachable at ${REDIS_URL} (${(error as Error).message}). Start it (redis-server --daemonize yes) or set CLAUDELENS_TEST_REDIS_URL.`);
    }
    await redis.flushdb();
    redis.disconnect();
    // The outbox goes with Redis's marks: rows of the last test's nodes, their marks gone, would look unpublished.
    await clearOutbox(db.url);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('ingest on node A reaches a client of node B; A killed mid-stream: B takes the folder over, its client and A\'s (resuming on B) miss nothing', async () => {
    const { home, projectDir } = emptyHome();
    const session = transcript(projectDir);
    const appended = session.append();

    // Node A: the real CLI in a child process, started first, so it holds the folder's lease.
    const { child: a, url: aUrl } = await cliNodeA(home, REDIS_URL);

    const b = await node(home, { redisUrl: REDIS_URL, nodeId: 'node-b' });
    expect(b.tailing()).toEqual([]); // A holds the folder

    const onB = connect(b.url, '/ws/activity-stream');
    const onA = connect(aUrl, '/ws/activity-stream');
    // A client of one session's feed on A: B keeps no ring for that channel (no client there).
    const sessionOnA = connect(aUrl, `/ws/session/${session.sessionId}`);
    await Promise.all([onB.open, onA.open, sessionOnA.open]);
    await waitFor(() => (onA.frames.length > 0 && onB.frames.length > 0 && sessionOnA.frames.length > 0) || undefined);

    // Turns every 20 ms throughout; A is killed while they are being written.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        appended.push(...session.append());
        await sleep(20);
      }
    })();
    await waitFor(() => messageUuids(onB).length >= 10 || undefined, 10_000, 'events from A on B');
    // The session client drops out while A goes on publishing: what it misses is in no ring on B.
    sessionOnA.ws.terminate();
    const lastSessionSeq = sessionOnA.frames.at(-1)?.seq as number;
    await waitFor(() => messageUuids(onB).length >= 30 || undefined, 10_000, 'more events from A on B');
    a.kill('SIGKILL');
    await new Promise((resolve) => a.once('exit', resolve));
    const lastSeenOnA = onA.frames.at(-1)?.seq as number;
    const atKill = appended.length;
    await waitFor(() => appended.length >= atKill + 20 || undefined, 10_000, 'turns written after the kill');
    writing = false;
    await writer;

    // A's client comes back on B and asks for what it missed.
    const resumed = connect(b.url, `/ws/activity-stream?since=${lastSeenOnA}`);
    const sessionResumed = connect(b.url, `/ws/session/${session.sessionId}?since=${lastSessionSeq}`);
    await Promise.all([resumed.open, sessionResumed.open]);

    await waitFor(() => b.tailing().length === 1 || undefined, 15_000, 'B to take the folder over');
    // A last turn, read and published by B after its take-over: the clients' feeds are ordered, so
    // once it is on every client, anything sent twice or out of order before it is there too.
    const last = session.append();
    appended.push(...last);
    const sessionUuids = (client: Client) => client.frames.filter((f) => f.type === 'new_message').map((f) => (f.message as { uuid: string }).uuid);
    const endsWithLast = (uuids: string[]) => uuids.at(-1) === last[1];
    await waitFor(() => (endsWithLast(messageUuids(onB)) && endsWithLast(messageUuids(resumed)) && endsWithLast(sessionUuids(sessionResumed))) || undefined, 20_000, 'the last turn on every client');

    // B's own client: every line appended after it connected, once, in order, seqs without a gap.
    expect(messageUuids(onB)).toEqual(appended.slice(2));
    expect(onB.frames.filter((f) => f.type === 'resync')).toEqual([]);
    expectConsecutive(onB.frames.slice(1));
    // A's client, resumed on B: exactly what followed its last seq, no resync.
    const seenOnA = messageUuids(onA);
    expect([...seenOnA, ...messageUuids(resumed)]).toEqual(appended.slice(2));
    expect(resumed.frames[0]?.seq).toBe(lastSeenOnA + 1);
    expect(resumed.frames.filter((f) => f.type === 'resync')).toEqual([]);
    expectConsecutive(resumed.frames);
    // The session feed resumed on B from Redis's history, though B never had a client of it.
    expect([...sessionUuids(sessionOnA), ...sessionUuids(sessionResumed)]).toEqual(appended.slice(2));
    expect(sessionResumed.frames[0]?.seq).toBe(lastSessionSeq + 1);
    expect(sessionResumed.frames.filter((f) => f.type === 'resync')).toEqual([]);
    expectConsecutive(sessionResumed.frames);
    // The store has every line once; B's live state agrees with it.
    const stored = await b.store.session(session.sessionId);
    expect(stored?.messageCount).toBe(appended.length);
    expect(b.engine.state.get(session.sessionId)?.stats.messages).toBe(appended.length);
    for (const client of [onA, onB, resumed, sessionOnA, sessionResumed]) client.ws.close();
  }, 90_000);

  it("A killed with commits it never published (cut from Redis first): B publishes them from the outbox, once, before the lines it then reads itself", async () => {
    const { home, projectDir } = emptyHome();
    const session = transcript(projectDir);
    session.append();
    const proxy = await tcpProxy(Number(new URL(REDIS_URL).port || 6379));
    proxies.push(proxy);
    const viaProxy = new URL(REDIS_URL);
    viaProxy.port = String(proxy.port);

    // Node A: the real CLI in a child process, on Redis through the relay; it holds the folder.
    const { child: a, url: aUrl } = await cliNodeA(home, viaProxy.toString());
    // B's own sweeps wait a minute before they take a commit over: here it is taking A's folder over that does.
    const b = await node(home, { redisUrl: REDIS_URL, nodeId: 'node-b', outbox: { everyMs: 200, afterMs: 60_000 } });
    const onB = connect(b.url, '/ws/activity-stream');
    await onB.open;

    const before = session.append();
    await waitFor(() => messageUuids(onB).length === 2 || undefined, 10_000, "A's events on B");
    // A loses Redis: what it commits now goes to its own clients and waits in its memory for Redis.
    proxy.cut();
    await waitFor(async () => ((await json(`${aUrl}/healthz`)) as { status: string }).status === 'degraded' || undefined, 10_000, 'A degraded');
    const unpublished = [...session.append(), ...session.append()];
    await waitFor(async () => (await b.store.session(session.sessionId))?.messageCount === 8 || undefined, 10_000, "A's commit in the store");
    expect(messageUuids(onB)).toEqual(before);
    // Killed so: without the outbox those lines were stored and never live anywhere.
    a.kill('SIGKILL');
    await new Promise((resolve) => a.once('exit', resolve));

    await waitFor(() => messageUuids(onB).length === 6 || undefined, 15_000, "A's unpublished commit from B");
    expect(messageUuids(onB)).toEqual([...before, ...unpublished]);
    await waitFor(() => b.tailing().length === 1 || undefined, 5_000, 'B to take the folder over');
    const after = session.append();
    await waitFor(() => messageUuids(onB).length === 8 || undefined, 10_000, "B's own reading");
    // Two of B's sweeps (every 200 ms) since, which would publish A's commits again; then a last
    // turn of B's own: once it is on the client, whatever those sweeps sent is there before it.
    const sweeps = b.sweeper?.sweeps ?? 0;
    await waitFor(() => (b.sweeper?.sweeps ?? 0) >= sweeps + 2 || undefined, 5_000, 'two more sweeps on B');
    const last = session.append();
    await waitFor(() => messageUuids(onB).length >= 10 || undefined, 10_000, 'the last turn on B');
    expect(messageUuids(onB)).toEqual([...before, ...unpublished, ...after, ...last]);
    expect(onB.frames.filter((f) => f.type === 'resync')).toEqual([]);
    expectConsecutive(onB.frames.slice(1));
    expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(/^claudelens_outbox_published_total [12]$/m);
    // B's own commits leave the outbox at its sweeps, once the bus marks them published; A's went when B took them over.
    await waitFor(async () => (await b.store.cluster!.outboxNodes()).length === 0 || undefined, 5_000, 'the outbox emptied');
    onB.ws.close();
  }, 60_000);

  it("nodes that never tailed the dead node's folder publish its unpublished commit at their sweeps, once between two sweeping at the same moment", async () => {
    // The dead node: a store of its own that commits a turn and never publishes it (no live engine).
    const { home, projectDir } = emptyHome();
    const session = transcript(projectDir);
    const dead = await openStore({ kind: 'postgres', url: db.url });
    dead.cluster!.keepOutbox('node-dead');
    // Two live nodes on another folder, which take a commit left unpublished 500 ms; their sweeps run when the test says.
    const outbox = { everyMs: 60_000, afterMs: 500 };
    const bHome = emptyHome();
    const b = await node(bHome.home, { redisUrl: REDIS_URL, nodeId: 'node-b', outbox });
    const c = await node(emptyHome().home, { redisUrl: REDIS_URL, nodeId: 'node-c', outbox });
    const onB = connect(b.url, '/ws/activity-stream');
    const onC = connect(c.url, '/ws/activity-stream');
    await Promise.all([onB.open, onC.open]);
    try {
      const turn = session.append();
      const applied = await ingestEachBatch({ store: dead, prices: loadPriceBook(null) }, describeFile(home, `-tmp-demo/${session.sessionId}.jsonl`));
      expect(applied.lines).toBe(2);
      const sweep = () => Promise.all([b.sweeper?.sweep(), c.sweeper?.sweep()]);
      expect(await sweep()).toEqual([0, 0]); // not 500 ms old yet
      // Once it is 500 ms old both find it, sweeping at once; the bus gives it to one of them.
      const found = await waitFor(async () => {
        const published = await sweep();
        return published.some((n) => n !== 0) ? published : undefined;
      }, 5_000, 'a sweep that publishes');
      expect(found.sort()).toEqual([0, 1]);
      await waitFor(() => (messageUuids(onB).length === 2 && messageUuids(onC).length === 2) || undefined, 10_000, "the dead node's turn on B and C");
      expect(await sweep()).toEqual([0, 0]);
      expect(await b.store.cluster!.outboxNodes()).toEqual([]);
      // A turn of B's own after those sweeps: once it is on both clients, anything they sent is there before it.
      const last = transcript(bHome.projectDir).append();
      await waitFor(() => (messageUuids(onB).length >= 4 && messageUuids(onC).length >= 4) || undefined, 10_000, "B's turn on B and C");
      expect(messageUuids(onB)).toEqual([...turn, ...last]);
      expect(messageUuids(onC)).toEqual([...turn, ...last]);
      const publishedBy = async (server: RunningServer) => Number(/^claudelens_outbox_published_total (\d+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
      expect((await publishedBy(b)) + (await publishedBy(c))).toBe(1);
      // The session came with its stored totals: its cards on both nodes say two messages.
      expect([b, c].map((server) => server.engine.state.get(session.sessionId)?.stats.messages)).toEqual([2, 2]);
    } finally {
      await dead.close();
      for (const client of [onB, onC]) client.ws.close();
    }
  });

  it('a node restarted under the same --node-id goes on publishing; neither its start-up backfill nor the process before leave it commits to publish', async () => {
    const { home, projectDir } = emptyHome();
    const session = transcript(projectDir);
    // Lines before any node: the first node's backfill stores them, and nobody publishes them.
    for (let i = 0; i < 3; i++) session.append();
    const first = await node(home, { redisUrl: REDIS_URL, nodeId: 'node-a', outbox: { everyMs: 100, afterMs: 60_000 } });
    expect(await first.store.cluster!.outboxNodes()).toEqual([]);
    const onFirst = connect(first.url, '/ws/activity-stream');
    await onFirst.open;
    const early = [...session.append(), ...session.append(), ...session.append()];
    await waitFor(() => messageUuids(onFirst).length === 6 || undefined, 10_000, 'the first process publishing');
    expect(messageUuids(onFirst)).toEqual(early); // not the backfilled lines
    // Its sweeps delete its commits once published; the marks it left on the bus stay.
    await waitFor(async () => (await first.store.cluster!.outboxNodes()).length === 0 || undefined, 5_000, 'the outbox emptied');
    onFirst.ws.close();
    servers.splice(servers.indexOf(first), 1);
    await first.close();

    // The same node id again; an observer node, whose sweeps would take what looks unpublished.
    const again = await node(home, { redisUrl: REDIS_URL, nodeId: 'node-a' });
    const observer = await node(emptyHome().home, { redisUrl: REDIS_URL, nodeId: 'node-b', outbox: { everyMs: 60_000, afterMs: 0 } });
    const onAgain = connect(again.url, '/ws/activity-stream');
    await onAgain.open;
    const late = [...session.append(), ...session.append()];
    await waitFor(() => messageUuids(onAgain).length === 4 || undefined, 10_000, 'the restarted process publishing');
    expect(await observer.sweeper?.sweep()).toBe(0);
    // One more turn after that sweep: once it is on the client, anything the sweep sent is there before it.
    const last = session.append();
    await waitFor(() => messageUuids(onAgain).length >= 6 || undefined, 10_000, 'the last turn');
    expect(messageUuids(onAgain)).toEqual([...late, ...last]);
    onAgain.ws.close();
  });

  it('Redis down: a node serves its own events alone and says so; back, the other node catches up; one alert per condition on both', async () => {
    const { home, projectDir } = emptyHome();
    const session = transcript(projectDir);
    session.append();
    const redisPort = Number(new URL(REDIS_URL).port || 6379);
    const proxy = await tcpProxy(redisPort);
    proxies.push(proxy);
    const viaProxy = new URL(REDIS_URL);
    viaProxy.port = String(proxy.port);
    const live = { ...loadLiveConfig(null), alerts: AlertsConfigSchema.parse({ sessionCost: { threshold: 0.01, cooldownSeconds: 3600 }, parseErrors: { enabled: false } }) };
    const a = await node(home, { redisUrl: viaProxy.toString(), nodeId: 'node-a', live });
    const b = await node(home, { redisUrl: REDIS_URL, nodeId: 'node-b', live });
    expect([a.tailing().length, b.tailing().length]).toEqual([1, 0]);
    const onA = connect(a.url, '/ws/activity-stream');
    const onB = connect(b.url, '/ws/activity-stream');
    await Promise.all([onA.open, onB.open]);

    const before = [...session.append(), ...session.append()];
    await waitFor(() => (messageUuids(onA).length === 4 && messageUuids(onB).length === 4) || undefined, 10_000, 'events on A and B');
    expect(messageUuids(onA)).toEqual(before);

    proxy.cut();
    await waitFor(async () => ((await json(`${a.url}/healthz`)) as { status: string }).status === 'degraded' || undefined, 10_000, 'A degraded');
    const health = (await json(`${a.url}/healthz`)) as { bus: { kind: string; up: boolean } };
    expect(health.bus).toMatchObject({ kind: 'redis', up: false });
    expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/^claudelens_bus_up 0$/m);

    // Alone: A's own client still gets A's events, and REST still answers.
    const during = [...session.append(), ...session.append(), ...session.append()];
    await waitFor(() => messageUuids(onA).length === 10 || undefined, 10_000, 'A serving alone');
    expect(messageUuids(onA)).toEqual([...before, ...during]);
    const stats = (await json(`${a.url}/api/v1/analytics/stats/live?session_id=${session.sessionId}`)) as { messages: { value: number } };
    expect(stats.messages.value).toBe(12);
    expect(messageUuids(onB)).toEqual(before); // B cannot know yet
    expect(a.bus.health().buffered).toBeGreaterThan(0);

    proxy.restore();
    await waitFor(async () => ((await json(`${a.url}/healthz`)) as { status: string }).status === 'ok' || undefined, 15_000, 'A back on Redis');
    await waitFor(() => messageUuids(onB).length === 10 || undefined, 10_000, 'B catching up');
    expect(messageUuids(onB)).toEqual([...before, ...during]);
    expect(b.engine.state.get(session.sessionId)?.stats.messages).toBe(12);
    expect(a.bus.health().buffered).toBe(0);
    // A's clients missed whatever the other nodes published meanwhile: once A has read up to
    // the stream's end they get one resync and a snapshot, then events as before.
    await waitFor(() => onA.frames.find((f) => f.type === 'resync') ?? undefined, 10_000, 'a resync on A');
    expect(onA.frames.filter((f) => f.type === 'resync')).toMatchObject([{ reason: 'gap' }]);
    expect(onA.frames.at(-1)?.type).toBe('snapshot');

    // Both nodes see the session pass $0.01 and both evaluate the rule; one alert goes out.
    const costly = randomUUID();
    fs.appendFileSync(path.join(projectDir, `${session.sessionId}.jsonl`), `${assistantLine({ sessionId: session.sessionId, uuid: costly, messageId: `msg_${costly}`, requestId: `req_${costly}`, output: 2000, input: 5000 })}\n`);
    const alertsOn = (client: Client) => client.frames.filter((f) => f.type === 'alert_triggered');
    await waitFor(() => (alertsOn(onA).length > 0 && alertsOn(onB).length > 0) || undefined, 10_000, 'the alert on both nodes');
    // Both nodes fired it (each claims it on the bus; one sends it), and evaluate again as their
    // timers do every second: the cooldown holds, nothing fires.
    await waitFor(() => (a.alerts.fired === 1 && b.alerts.fired === 1) || undefined, 10_000, 'both nodes firing');
    a.alerts.evaluate();
    b.alerts.evaluate();
    expect([a.alerts.fired, b.alerts.fired]).toEqual([1, 1]);
    // A turn after both claims went out: once it is on both clients, an alert the losing claim had sent is there before it.
    const last = session.append();
    await waitFor(() => (messageUuids(onA).includes(last[1] as string) && messageUuids(onB).includes(last[1] as string)) || undefined, 10_000, 'the last turn on A and B');
    expect(alertsOn(onA)).toHaveLength(1);
    expect(alertsOn(onB)).toHaveLength(1);
    const listed = await Promise.all([a, b].map(async (server) => AlertListSchema.parse(await json(`${server.url}/api/v1/alerts`)).alerts.map((alert) => alert.id)));
    expect(listed[0]).toHaveLength(1);
    expect(listed[1]).toEqual(listed[0]);

    // Acknowledged on B, it is acknowledged on A too.
    const id = listed[0]?.[0] as string;
    const acked = await fetch(`${b.url}/api/v1/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST' });
    expect(acked.status).toBe(200);
    expect(AlertSchema.parse(await acked.json())).toMatchObject({ id, acknowledged: true });
    const onNodeA = AlertListSchema.parse(await json(`${a.url}/api/v1/alerts`)).alerts;
    expect(onNodeA).toMatchObject([{ id, acknowledged: true }]);
    onA.ws.close();
    onB.ws.close();
  }, 60_000);

  it('PostgreSQL down: ingest waits, nothing is lost, and it goes on when the database is back', async () => {
    const { home, projectDir } = emptyHome();
    const session = transcript(projectDir);
    const appended = session.append();
    const proxy = await tcpProxy(Number(new URL(db.url).port || 5432));
    proxies.push(proxy);
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    // The node's warnings, kept: a read that could not store its lines says so ('watch error').
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
    const server = await node(home, { databaseUrl: viaProxy.toString(), nodeId: 'node-pg' }, logger);
    const client = connect(server.url, '/ws/activity-stream');
    await client.open;

    proxy.cut();
    const failedBefore = warnings.filter((msg) => msg === 'watch error').length;
    for (let i = 0; i < 5; i++) appended.push(...session.append());
    // The watcher has read the new lines and failed to store them: nothing it could have sent is still to come.
    await waitFor(() => warnings.filter((msg) => msg === 'watch error').length > failedBefore || undefined, 10_000, 'a read that failed');
    expect(((await json(`${server.url}/healthz`)) as { status: string }).status).toBe('ok'); // still answering
    expect(messageUuids(client)).toEqual([]); // nothing stored, so nothing sent

    proxy.restore();
    await waitFor(() => messageUuids(client).length === 10 || undefined, 15_000, 'ingest to resume');
    expect(messageUuids(client)).toEqual(appended.slice(2));
    expect((await server.store.session(session.sessionId))?.messageCount).toBe(12);
    client.ws.close();
  }, 60_000);
});
