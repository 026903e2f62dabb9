// Remote ingest end to end: a real server (in-process, or the built CLI in a child process when
// it must crash) and the real `claudelens ship` in a child process, over real HTTP. Every
// scenario ends by comparing the server's store with a local import of the same files, and the
// server's mirror with the local files byte for byte.
// Over 300 lines: every scenario shares the server, shipper and store-comparison helpers here.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { ErrorBodySchema, IngestResponseSchema, type IngestRequest, type SessionSummary } from '@claudelens/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/cli/startServer.js';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { assistantLine, CLI, copyFixtureHome, emptyHome, runCli, tempDir, userLine, waitFor } from './helpers.js';

const WAIT_MS = 45_000;
const ID = 'test-laptop';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends string>(dir: T): T {
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---- servers ----

interface InProcessServer {
  server: RunningServer;
  dataDir: string;
}

async function serveInProcess(options: { token?: string; ingestBodyLimit?: number } = {}): Promise<InProcessServer> {
  const dataDir = track(tempDir('claudelens-ship-server-'));
  const { home } = emptyHome();
  track(home);
  const server = await startServer(
    { claudeDirs: [home], dataDir, databaseUrl: null, pricesFile: null },
    { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), token: options.token ?? null, ingestBodyLimit: options.ingestBodyLimit },
  );
  cleanups.push(() => server.close());
  return { server, dataDir };
}

interface ChildServer {
  child: ChildProcess;
  exited: Promise<void>;
}

/** `claudelens serve` in a child process on a fixed port, once it answers /healthz as live. */
async function serveChild(dataDir: string, port: number): Promise<ChildServer> {
  const { home } = emptyHome();
  track(home);
  const child = spawn(process.execPath, [CLI, 'serve', '--claude-dir', home, '--data-dir', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CLAUDELENS_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
      try {
        const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { phase: string };
        return health.phase === 'live' ? true : undefined;
      } catch {
        return undefined;
      }
    },
    WAIT_MS,
    'the server to be live',
  );
  return { child, exited };
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// ---- shippers ----

interface ShipperProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function shipArgs(server: string, home: string, shipData: string, extra: string[] = []): string[] {
  return ['ship', '--server', server, '--claude-dir', home, '--data-dir', shipData, '--id', ID, '--retry-max', '0.3', ...extra];
}

/** `claudelens ship` following the files until killed. */
function spawnShipper(args: string[]): ShipperProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  return { child, stderr: () => stderr, exited };
}

async function shipOnce(args: string[]): Promise<void> {
  const result = await runCli([...args, '--once']);
  expect(result.code, result.stderr).toBe(0);
}

// ---- what the server holds ----

function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

const mirrorOf = (dataDir: string) => path.join(dataDir, 'remote', ID, 'projects');

function mirrorBytes(dataDir: string): number {
  return listFiles(mirrorOf(dataDir)).reduce((sum, file) => sum + fs.statSync(path.join(mirrorOf(dataDir), file)).size, 0);
}

/** The local transcripts, cut after their last newline: what a shipper may have sent. */
function shippable(home: string): Map<string, Buffer> {
  const root = path.join(home, 'projects');
  const files = new Map<string, Buffer>();
  for (const file of listFiles(root).filter((f) => f.endsWith('.jsonl'))) {
    const bytes = fs.readFileSync(path.join(root, file));
    files.set(file, bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1));
  }
  return files;
}

function mirrorMatches(dataDir: string, home: string): boolean {
  const want = shippable(home);
  const have = listFiles(mirrorOf(dataDir));
  if (have.length !== want.size) return false;
  return have.every((file) => want.get(file)?.equals(fs.readFileSync(path.join(mirrorOf(dataDir), file))) ?? false);
}

function expectMirror(dataDir: string, home: string): void {
  const want = shippable(home);
  expect(listFiles(mirrorOf(dataDir))).toEqual([...want.keys()].sort());
  for (const [file, bytes] of want) expect(fs.readFileSync(path.join(mirrorOf(dataDir), file)).equals(bytes), `mirror of ${file}`).toBe(true);
}

const bySession = (list: SessionSummary[]) => [...list].sort((a, b) => a.sessionId.localeCompare(b.sessionId));

/** `report sessions --json` of a data dir. */
async function report(dataDir: string): Promise<SessionSummary[]> {
  const result = await runCli(['report', 'sessions', '--json', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  return bySession((JSON.parse(result.stdout) as { sessions: SessionSummary[] }).sessions);
}

/** What `claudelens import` of these claude dirs, in this order, leaves in one store. */
async function localImport(...homes: string[]): Promise<SessionSummary[]> {
  const dataDir = track(tempDir('claudelens-ship-local-'));
  for (const home of homes) {
    const result = await runCli(['import', '--claude-dir', home, '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
  }
  return report(dataDir);
}

/** Costs are sums in another order: equal to 1e-9. */
const withoutCost = (list: SessionSummary[]) => list.map((s) => ({ ...s, totalCost: 0, agents: s.agents.map((a) => ({ ...a, totalCost: 0 })) }));

function sameReport(actual: SessionSummary[], expected: SessionSummary[]): boolean {
  if (JSON.stringify(withoutCost(actual)) !== JSON.stringify(withoutCost(expected))) return false;
  return actual.every((s, i) => Math.abs(s.totalCost - (expected[i]?.totalCost ?? Number.NaN)) < 1e-9);
}

function expectSameReport(actual: SessionSummary[], expected: SessionSummary[]): void {
  expect(withoutCost(actual)).toEqual(withoutCost(expected));
  actual.forEach((s, i) => expect(Math.abs(s.totalCost - (expected[i]?.totalCost ?? Number.NaN)), `cost of ${s.sessionId}`).toBeLessThan(1e-9));
}

/** Waits until the server's store reports what a local import of `home` reports. */
async function converges(read: () => Promise<SessionSummary[]>, expected: SessionSummary[]): Promise<void> {
  let last: SessionSummary[] = [];
  await waitFor(async () => ((last = await read()), sameReport(last, expected) ? true : undefined), WAIT_MS, 'the server to hold what a local import holds').catch(() => undefined);
  expectSameReport(last, expected);
}

const storeOf = (s: InProcessServer) => async () => bySession(await s.server.store.sessions());

// ---- HTTP ----

async function post(s: InProcessServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await s.server.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.statusCode, body: response.json() as unknown };
}

const one = (file: Partial<IngestRequest['files'][number]>): IngestRequest => ({ claude_dir_id: ID, files: [{ project: '-tmp-p', file: 's.jsonl', offset: 0, data: '', ...file }] });

function lines(sessionId: string, from: number, count: number, cwd = '/tmp/demo'): string {
  let text = '';
  for (let i = from; i < from + count; i++) {
    text += `${userLine({ sessionId, uuid: `${sessionId}-u${i}`, text: `prompt ${i}`, cwd })}\n`;
    text += `${assistantLine({ sessionId, uuid: `${sessionId}-a${i}`, messageId: `msg_${sessionId}_${i}`, requestId: `req_${sessionId}_${i}`, output: 10 + i, tool: 'Bash', cwd })}\n`;
  }
  return text;
}

describe('claudelens ship to POST /api/v1/ingest', () => {
  it('ships the fixture corpus: the mirror is byte-exact and the store equals a local import; shipping again sends nothing', async () => {
    const s = await serveInProcess();
    const home = track(copyFixtureHome());
    const shipData = track(tempDir());
    await shipOnce(shipArgs(s.server.url, home, shipData));
    expectMirror(s.dataDir, home);
    const expected = await localImport(home);
    expect(expected.length).toBeGreaterThan(20);
    expectSameReport(bySession(await s.server.store.sessions()), expected);

    const again = await runCli([...shipArgs(s.server.url, home, shipData), '--once']);
    expect(again.stderr).toContain('up to date: 0 requests');
  });

  it('follows appends, new files and subagent files while it ships, and the lines reach the live state', async () => {
    const s = await serveInProcess();
    const home = track(copyFixtureHome(['-experiments-worktrees', '-Users-user-project']));
    const shipper = spawnShipper(shipArgs(s.server.url, home, track(tempDir()), ['--batch-bytes', '64KiB']));
    const live = '0a000000-0000-4000-8000-00000000live';
    const file = path.join(home, 'projects', '-tmp-live', `${live}.jsonl`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const subagent = path.join(home, 'projects', '-tmp-live', live, 'subagents', 'agent-a1.jsonl');
    for (let i = 0; i < 40; i++) {
      fs.appendFileSync(file, lines(live, i, 1, '/tmp/live'));
      if (i === 20) fs.mkdirSync(path.dirname(subagent), { recursive: true });
      if (i > 20) fs.appendFileSync(subagent, lines(`${live}`, 1000 + i, 1, '/tmp/live'));
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A half-written line is not sent until its newline arrives.
    fs.appendFileSync(file, lines(live, 99, 1).slice(0, 50));
    await waitFor(() => (mirrorMatches(s.dataDir, home) ? true : undefined), WAIT_MS, 'the mirror to catch up');
    fs.appendFileSync(file, lines(live, 99, 1).slice(50));

    await converges(storeOf(s), await localImport(home));
    expectMirror(s.dataDir, home);
    const active = await s.server.app.inject({ method: 'GET', url: '/api/v1/analytics/active-sessions' });
    expect((active.json() as { active_sessions: { session_id: string }[] }).active_sessions.map((a) => a.session_id)).toContain(live);
    expect(shipper.child.exitCode).toBeNull();
  });

  it('a shipper killed with SIGKILL mid-stream, twice, then run again, leaves the store equal to a local import', async () => {
    const s = await serveInProcess();
    const home = track(copyFixtureHome());
    const shipData = track(tempDir());
    const total = [...shippable(home).values()].reduce((sum, b) => sum + b.length, 0);
    for (const fraction of [0.2, 0.5]) {
      const shipper = spawnShipper(shipArgs(s.server.url, home, shipData, ['--batch-bytes', '32KiB']));
      await waitFor(() => (mirrorBytes(s.dataDir) > total * fraction ? true : undefined), WAIT_MS, `${fraction * 100}% shipped`);
      shipper.child.kill('SIGKILL');
      await shipper.exited;
      expect(mirrorBytes(s.dataDir)).toBeLessThan(total);
    }
    await shipOnce(shipArgs(s.server.url, home, shipData));
    expectMirror(s.dataDir, home);
    expectSameReport(bySession(await s.server.store.sessions()), await localImport(home));
  });

  it('rides out a server killed with SIGKILL mid-stream: it retries, and after a restart on the same data dir everything converges', async () => {
    const port = await freePort();
    const dataDir = track(tempDir('claudelens-ship-server-'));
    const home = track(copyFixtureHome());
    const total = [...shippable(home).values()].reduce((sum, b) => sum + b.length, 0);
    const first = await serveChild(dataDir, port);
    const shipper = spawnShipper(shipArgs(`http://127.0.0.1:${port}`, home, track(tempDir()), ['--batch-bytes', '32KiB']));
    await waitFor(() => (mirrorBytes(dataDir) > total * 0.3 ? true : undefined), WAIT_MS, '30% shipped');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(mirrorBytes(dataDir)).toBeLessThan(total);

    // The outage: the shipper keeps retrying while transcripts keep growing.
    const session = '0b000000-0000-4000-8000-0000000outage';
    const file = path.join(home, 'projects', '-tmp-outage', `${session}.jsonl`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, lines(session, 0, 20, '/tmp/outage'));
    const retries = () => shipper.stderr().match(/unreachable.*retrying/g)?.length ?? 0;
    await waitFor(() => (retries() > 0 ? true : undefined), WAIT_MS, 'a retry');
    // One more failed attempt after that retry's wait: a shipper that gave up would have exited by then.
    const seen = retries();
    await waitFor(() => (retries() > seen ? true : undefined), WAIT_MS, 'another retry');
    expect(shipper.child.exitCode).toBeNull();

    await serveChild(dataDir, port);
    fs.appendFileSync(file, lines(session, 20, 5, '/tmp/outage'));
    await waitFor(() => (mirrorMatches(dataDir, home) ? true : undefined), WAIT_MS, 'the mirror to catch up');
    await converges(() => report(dataDir), await localImport(home));
    expectMirror(dataDir, home);
    expect(shipper.stderr()).toContain('server reachable again');
  });

  it('sends a truncated or replaced file again from byte 0 and keeps what was counted, as local tailing does', async () => {
    const s = await serveInProcess();
    const home = track(copyFixtureHome(['-Users-user-project', '-path-to-Demo']));
    const before = track(copyFixtureHome(['-Users-user-project', '-path-to-Demo']));
    const shipData = track(tempDir());
    await shipOnce(shipArgs(s.server.url, home, shipData));

    const project = path.join(home, 'projects', '-path-to-Demo');
    const [truncated, replaced, rewritten] = fs.readdirSync(project).filter((f) => f.endsWith('.jsonl')).sort();
    // Truncated in place (same inode) to its first half of lines.
    const t = fs.readFileSync(path.join(project, truncated as string));
    fs.truncateSync(path.join(project, truncated as string), t.subarray(0, t.length / 2).lastIndexOf(0x0a) + 1);
    // Replaced by another file (new inode) with other lines.
    fs.writeFileSync(path.join(project, 'new.tmp'), lines('0c000000-0000-4000-8000-00000replace', 0, 3));
    fs.renameSync(path.join(project, 'new.tmp'), path.join(project, replaced as string));
    // Rewritten in place at the same length: the last line's uuid changes.
    const r = fs.readFileSync(path.join(project, rewritten as string), 'utf8');
    const uuid = /"uuid":"([0-9a-f-]{36})"[^\n]*\n$/.exec(r)?.[1] as string;
    expect(uuid).toBeDefined();
    fs.writeFileSync(path.join(project, rewritten as string), r.slice(0, r.lastIndexOf(uuid)) + uuid.replace(/[0-9a-f]/, (c) => (c === 'f' ? 'e' : 'f')) + r.slice(r.lastIndexOf(uuid) + uuid.length));

    const result = await runCli([...shipArgs(s.server.url, home, shipData), '--once']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/truncated or replaced/g)).toHaveLength(3);
    expectMirror(s.dataDir, home);
    expect(listFiles(path.join(s.dataDir, 'remote', ID, 'replaced')).filter((f) => f.endsWith('.jsonl'))).toHaveLength(3);
    // A local store that read the files before and after the change holds the same.
    expectSameReport(bySession(await s.server.store.sessions()), await localImport(before, home));
  });

  it('copies bytes that are not UTF-8 exactly (base64), and a line longer than a request in pieces', async () => {
    const s = await serveInProcess();
    const { home, projectDir } = emptyHome('-tmp-bytes');
    track(home);
    const session = '0d000000-0000-4000-8000-0000000bytes';
    const bad = Buffer.from(lines(session, 0, 1).replace('prompt 0', 'prompt \u0001MARK'));
    bad.writeUInt8(0xff, bad.indexOf('\u0001MARK'));
    const long = `${userLine({ sessionId: session, uuid: `${session}-long`, text: 'x'.repeat(300_000) })}\n`;
    fs.writeFileSync(path.join(projectDir, `${session}.jsonl`), Buffer.concat([bad, Buffer.from(long), Buffer.from(lines(session, 1, 2))]));
    await shipOnce(shipArgs(s.server.url, home, track(tempDir()), ['--batch-bytes', '64KiB']));
    expectMirror(s.dataDir, home);
    expectSameReport(bySession(await s.server.store.sessions()), await localImport(home));
  });

  it('answers 409 with the expected offset for a gap, skips bytes it has, and says when they differ', async () => {
    const s = await serveInProcess();
    const gap = await post(s, one({ offset: 10, data: 'x\n' }));
    expect(gap.status).toBe(409);
    expect(IngestResponseSchema.parse(gap.body).files).toEqual([{ project: '-tmp-p', file: 's.jsonl', status: 'gap', size: 0, written: 0 }]);

    const first = await post(s, one({ offset: 0, data: 'a\nbb\n' }));
    expect(first.status).toBe(200);
    expect(IngestResponseSchema.parse(first.body).files[0]).toMatchObject({ status: 'ok', size: 5, written: 5 });
    const again = await post(s, one({ offset: 0, data: 'a\nbb\nccc\n' }));
    expect(IngestResponseSchema.parse(again.body).files[0]).toMatchObject({ status: 'ok', size: 9, written: 4 });
    const beyond = await post(s, one({ offset: 20, data: 'd\n' }));
    expect(beyond.status).toBe(409);
    expect(IngestResponseSchema.parse(beyond.body)).toMatchObject({ files: [{ status: 'gap', size: 9 }], error: { code: 'offset_conflict' } });
    const differs = await post(s, one({ offset: 2, data: 'XX\n' }));
    expect(differs.status).toBe(409);
    expect(IngestResponseSchema.parse(differs.body).files[0]).toMatchObject({ status: 'diverged', size: 9, written: 0 });
    const reset = await post(s, one({ offset: 0, data: 'new\n', reset: true }));
    expect(IngestResponseSchema.parse(reset.body).files[0]).toMatchObject({ status: 'ok', size: 4, written: 4 });
    expect(fs.readFileSync(path.join(mirrorOf(s.dataDir), '-tmp-p', 's.jsonl'), 'utf8')).toBe('new\n');
  });

  it('rejects schema errors with 400 naming the field, and every path that could leave the mirror', async () => {
    const s = await serveInProcess();
    const cases: [unknown, string][] = [
      [one({ offset: -1 }), 'files.0.offset'],
      [{ files: one({}).files }, 'claude_dir_id'],
      [{ claude_dir_id: ID, files: [] }, 'files'],
      [one({ data: 'not base64!', encoding: 'base64' }), 'files.0.data'],
      ['{"claude_dir_id":', 'body'],
      [one({ project: '..' }), 'files.0.project'],
      [one({ project: '.' }), 'files.0.project'],
      [one({ project: 'a/b' }), 'files.0.project'],
      [one({ file: '../../../../etc/cron.d/x.jsonl' }), 'files.0.file'],
      [one({ file: 'a/../../x.jsonl' }), 'files.0.file'],
      [one({ file: '/etc/x.jsonl' }), 'files.0.file'],
      [one({ file: 'a\\..\\x.jsonl' }), 'files.0.file'],
      [one({ file: 'x.json' }), 'files.0.file'],
      [one({ file: 'x.jsonl\u0000' }), 'files.0.file'],
      [{ ...one({}), claude_dir_id: '..' }, 'claude_dir_id'],
      [{ ...one({}), claude_dir_id: 'a/b' }, 'claude_dir_id'],
    ];
    for (const [body, parameter] of cases) {
      const answer = await post(s, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const error = ErrorBodySchema.parse(answer.body).error;
      expect(error).toMatchObject({ code: 'bad_request', parameter });
      expect(error.message).toContain(parameter);
    }
    expect(fs.existsSync(path.join(s.dataDir, 'remote'))).toBe(false);
  });

  it('asks for the token (401), refuses bodies over the limit (413), and the shipper adapts its requests to the limit', async () => {
    const s = await serveInProcess({ token: 'sesame', ingestBodyLimit: 64 * 1024 });
    const body = one({ data: 'a\n' });
    expect((await post(s, body)).status).toBe(401);
    expect((await post(s, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(s, body, { authorization: 'Bearer sesame' })).status).toBe(200);
    const big = await post(s, one({ data: `${'x'.repeat(100 * 1024)}\n` }), { authorization: 'Bearer sesame' });
    expect(big.status).toBe(413);
    expect(ErrorBodySchema.parse(big.body).error.code).toBe('payload_too_large');
    // Without the token, even an oversized body is refused before it is read.
    expect((await post(s, one({ data: `${'x'.repeat(100 * 1024)}\n` }))).status).toBe(401);

    const home = track(copyFixtureHome(['-Users-user-project']));
    const shipData = track(tempDir());
    for (const token of [[], ['--token', 'wrong']]) {
      const refused = await runCli([...shipArgs(s.server.url, home, shipData), '--once', ...token]);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n').filter((line) => line.startsWith('claudelens:'))).toEqual([expect.stringMatching(/refused the token \(401/)]);
    }
    const shipped = await runCli([...shipArgs(s.server.url, home, shipData), '--once', '--token', 'sesame', '--batch-bytes', '1MiB']);
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stderr).toContain('too large (413)');
    const mirrorDir = path.join(s.dataDir, 'remote', ID, 'projects');
    expect(listFiles(mirrorDir)).toContain('-Users-user-project/agent-a02a5b8.jsonl');
    expectSameReport(bySession(await s.server.store.sessions()), await localImport(home));
  });

  it('stops with a one-line message when the server rejects a request as malformed (400)', async () => {
    const fake = http.createServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'bad_request', message: 'files.0.file: must name a .jsonl file', parameter: 'files.0.file' } }));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => fake.close(() => resolve())));
    const home = track(copyFixtureHome(['-experiments-ideas']));
    const result = await runCli([...shipArgs(`http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`, home, track(tempDir())), '--once']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('claudelens:'))).toEqual([expect.stringContaining('400: files.0.file: must name a .jsonl file')]);
  });
});
