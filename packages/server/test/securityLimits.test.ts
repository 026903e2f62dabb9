import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isBase64 } from '@claudelens/protocol';
import { DEFAULT_CONNECTION_LIMITS, serverTimeouts } from '../src/api/connectionLimits.js';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { startServer, type RunningServer, type ServeSettings } from '../src/cli/startServer.js';
import { emptyHome, tempDir, waitFor } from './helpers.js';
import { dribble, openSocket, send, UPGRADE_HEADERS } from './rawHttp.js';

// Issue 21 items 3 and 10 (base64): slow clients are cut, refused bodies are not read, the
// connection cap answers 503, WebSockets outlive the HTTP timeouts, and a large base64 body is
// checked without overflowing the stack. Timeouts are short here so nothing waits long.

const TOKEN = 'limits-token';
const LIMITS = { requestTimeoutMs: 2000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 500, checkEveryMs: 100 };

async function start(settings: Partial<ServeSettings>): Promise<RunningServer> {
  return startServer({ claudeDirs: [emptyHome().home], dataDir: tempDir(), databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), token: TOKEN, ...settings });
}

const portOf = (server: RunningServer) => Number(new URL(server.url).port);
const post = (path: string, headers: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;

describe('slow clients', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ connectionLimits: LIMITS });
  });
  afterAll(async () => server?.close());

  it('closes the connection after refusing a request whose body is still coming, without reading it', async () => {
    for (const [what, request] of [
      ['no token', post('/api/v1/ingest', 'Content-Length: 1000000\r\n')],
      ['no token, chunked', post('/api/v1/ingest', 'Transfer-Encoding: chunked\r\n')],
      ['no route', post('/nowhere', 'Content-Length: 1000000\r\n')],
      ['body over the limit', post('/api/v1/ingest', `Authorization: Bearer ${TOKEN}\r\nContent-Length: 100000000\r\n`)],
    ] as const) {
      const client = await openSocket(portOf(server));
      client.socket.write(request);
      dribble(client.socket, 50, what.includes('chunked') ? '1\r\nx\r\n' : 'x');
      const ms = await client.closed;
      expect(client.received(), what).toMatch(/^HTTP\/1\.1 (401|404|413) /);
      expect(client.received().toLowerCase(), what).toContain('connection: close');
      // Well before the request timeout (2 s) could have cut it: the answer itself closed it.
      expect(ms, what).toBeLessThan(LIMITS.requestTimeoutMs / 2);
      console.log(`${what}: cut after ${ms} ms`);
    }
  });

  it('cuts an accepted request whose body comes too slowly, while a WebSocket stays open past every timeout', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/activity-stream`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

    const client = await openSocket(portOf(server));
    client.socket.write(post('/api/v1/ingest', `Authorization: Bearer ${TOKEN}\r\nContent-Length: 100000\r\n`));
    dribble(client.socket, 100);
    const ms = await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 100);
    expect(ms).toBeLessThan(LIMITS.requestTimeoutMs + 3000);
    console.log(`slow body with the token: cut after ${ms} ms (request timeout ${LIMITS.requestTimeoutMs} ms)`);

    // The socket was open through the whole request timeout and many keep-alive timeouts.
    expect(ws.readyState).toBe(WebSocket.OPEN);
    const before = frames.length;
    ws.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => (frames.slice(before).some((f) => f.includes('"pong"')) ? true : undefined), 5000, 'pong');
    ws.close();
  });

  it('cuts a connection that never sends a byte, headers that come too slowly, and idle keep-alive connections', async () => {
    const silent = await openSocket(portOf(server));
    const silentMs = await silent.closed;
    expect(silentMs).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 100);
    expect(silentMs).toBeLessThan(LIMITS.headersTimeoutMs + 3000);

    const slow = await openSocket(portOf(server));
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    dribble(slow.socket, 100, 'X-Slow: 1\r\n');
    const headerMs = await slow.closed;
    expect(headerMs).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 100);
    expect(headerMs).toBeLessThan(LIMITS.headersTimeoutMs + 3000);

    const idle = await openSocket(portOf(server));
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const idleMs = await idle.closed;
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(idleMs).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs - 100);
    expect(idleMs).toBeLessThan(LIMITS.keepAliveTimeoutMs + 3000);
    console.log(`silent: cut after ${silentMs} ms; slow headers: after ${headerMs} ms; idle keep-alive: after ${idleMs} ms`);
  });

  it('checks a large base64 body without overflowing the stack', async () => {
    const data = Buffer.alloc(4_500_000, 7).toString('base64'); // 6 MB of base64: the old regex overflowed above ~3.3 MB
    const body = (data: string) => JSON.stringify({ claude_dir_id: 'big-machine', files: [{ project: '-p', file: 'big.jsonl', offset: 0, data, encoding: 'base64' }] });
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const bad = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers, body: body(`${data.slice(0, -4)}ab!=`) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe('files.0.data');
    const good = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers, body: body(data) });
    expect(good.status).toBe(200);
  });
});

describe('serverTimeouts', () => {
  it('keeps the headers timeout within a short request timeout (Node refuses it otherwise)', () => {
    expect(serverTimeouts({ ...DEFAULT_CONNECTION_LIMITS, requestTimeoutMs: 2000 }).http.headersTimeout).toBe(2000);
    expect(serverTimeouts(DEFAULT_CONNECTION_LIMITS).http.headersTimeout).toBe(10_000);
  });
});

describe('isBase64', () => {
  it('accepts padded standard base64 only', () => {
    for (const text of ['', 'QQ==', 'QUI=', 'QUJD', 'QUJDRA==', Buffer.alloc(3_000_000, 1).toString('base64')]) expect(isBase64(text), text.slice(0, 12)).toBe(true);
    for (const text of ['Q', 'QQ=', 'Q===', '====', 'QUJD=', 'QU=D', 'QUJ-', 'QUJ_', 'QUJ D', 'QQ==QQ==']) expect(isBase64(text), text).toBe(false);
  });
});

describe('the connection cap', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ connectionLimits: { ...LIMITS, keepAliveTimeoutMs: 60_000, maxConnections: 3 } });
  });
  afterAll(async () => server?.close());

  it('answers 503 past it, to requests and WebSocket upgrades, and serves again once a connection closes', async () => {
    const port = portOf(server);
    const held = [];
    for (let i = 0; i < 3; i++) {
      const client = await openSocket(port);
      client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await waitFor(() => (client.received().includes('"status"') ? true : undefined), 5000, 'an answer');
      held.push(client);
    }
    const refused = await send(port, 'GET', '/healthz');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'unavailable' } });
    const upgrade = await send(port, 'GET', '/ws/activity-stream', { ...UPGRADE_HEADERS, authorization: `Bearer ${TOKEN}` });
    expect(upgrade.upgraded).toBe(false);
    expect(upgrade.status).toBe(503);

    held[0]?.socket.destroy();
    await waitFor(async () => ((await send(port, 'GET', '/healthz')).status === 200 ? true : undefined), 5000, 'a free connection');
    for (const client of held) client.socket.destroy();
  });
});
