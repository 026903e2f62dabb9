import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ActivityChannelEventSchema,
  LiveActivitySchema,
  LiveStatsSchema,
  MetricsChannelEventSchema,
  SessionChannelEventSchema,
  SessionLiveSchema,
  StatsChannelEventSchema,
} from '@claudelens/protocol';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { startServer, type RunningServer, type ServeSettings } from '../src/cli/startServer.js';
import { assistantLine, emptyHome, tempDir, userLine, waitFor } from './helpers.js';

const SESSION = '11111111-2222-4333-8444-555555555555';

interface Client {
  ws: WebSocket;
  events: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
}

async function startOn(home: string, extra: Partial<ServeSettings> = {}): Promise<RunningServer> {
  return startServer(
    { claudeDirs: [home], dataDir: tempDir(), databaseUrl: null, pricesFile: null },
    { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), ...extra },
  );
}

function connect(server: RunningServer, urlPath: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Client {
  const ws = new WebSocket(server.url.replace('http', 'ws') + urlPath, protocols, options);
  const events: Record<string, unknown>[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => undefined);
  return { ws, events, closed };
}

const opened = (client: Client) => new Promise<void>((resolve, reject) => {
  client.ws.once('open', () => resolve());
  client.ws.once('unexpected-response', (req, res) => {
    req.destroy();
    reject(new Error(`HTTP ${res.statusCode}`));
  });
});

let n = 0;
function turn(file: string, output = 5): string[] {
  n++;
  const lines = [
    userLine({ sessionId: SESSION, uuid: `u-${n}`, text: `prompt ${n}` }),
    assistantLine({ sessionId: SESSION, uuid: `a-${n}`, messageId: `msg_${n}`, requestId: `req_${n}`, output, tool: 'Bash' }),
  ];
  fs.appendFileSync(file, `${lines.join('\n')}\n`);
  return [`u-${n}`, `a-${n}`];
}

describe('WebSocket channels against the real server', () => {
  const { home, projectDir } = emptyHome();
  const file = path.join(projectDir, `${SESSION}.jsonl`);
  let server: RunningServer;

  beforeAll(async () => {
    turn(file); // the session exists before serve starts
    server = await startOn(home, { ws: { heartbeatMs: 300, maxPayloadBytes: 1024, limits: { highWaterBytes: 4096, maxQueued: 20 } } });
  });
  afterAll(() => server.close());

  it('sends a snapshot, then every event of an appended line on all four channels, valid against the protocol', async () => {
    const stats = connect(server, `/ws/stats/${SESSION}`);
    const session = connect(server, `/ws/session/${SESSION}`);
    const activity = connect(server, '/ws/activity-stream');
    const metrics = connect(server, '/ws/metrics-updates');
    await Promise.all([stats, session, activity, metrics].map(opened));
    await waitFor(() => (stats.events.length === 4 && session.events.length === 1 && activity.events.length === 1 && metrics.events.length >= 1 ? true : undefined));
    expect(stats.events.map((e) => e.stat_type)).toEqual(['messages', 'tools', 'tokens', 'cost']);
    expect(SessionLiveSchema.parse((session.events[0] as { data: unknown }).data).stats.messages.value).toBe(2);

    const [userUuid, assistantUuid] = turn(file, 40);
    const messages = await waitFor(() => {
      const got = session.events.filter((e) => e.type === 'new_message');
      return got.length === 2 ? got : undefined;
    });
    expect(messages.map((m) => (m.message as { uuid: string }).uuid)).toEqual([userUuid, assistantUuid]);
    expect(messages[1]).toMatchObject({ session_id: SESSION, message: { author: 'assistant', tool_used: 'Bash' } });
    const statUpdates = await waitFor(() => {
      const got = stats.events.filter((e) => (e.update as { delta: number }).delta > 0);
      return got.some((e) => e.stat_type === 'cost') ? got : undefined;
    });
    expect(statUpdates.find((e) => e.stat_type === 'messages')).toMatchObject({ update: { new_value: 4, formatted_value: '4', animation: 'increment' } });
    expect(statUpdates.find((e) => e.stat_type === 'tools')).toMatchObject({ update: { new_value: 2, delta: 1 } });
    await waitFor(() => (activity.events.some((e) => e.type === 'new_message' && (e.data as { uuid: string }).uuid === assistantUuid) ? true : undefined));
    await waitFor(() => (metrics.events.some((e) => (e.data as { metric_updates: { messages_per_minute: number } })?.metric_updates.messages_per_minute >= 2) ? true : undefined));

    for (const e of stats.events) StatsChannelEventSchema.parse(e);
    for (const e of session.events) SessionChannelEventSchema.parse(e);
    for (const e of activity.events) ActivityChannelEventSchema.parse(e);
    for (const e of metrics.events) MetricsChannelEventSchema.parse(e);
    for (const client of [stats, session, activity, metrics]) {
      const seqs = client.events.filter((e) => e.type !== 'snapshot' && e.type !== 'pong').map((e) => e.seq as number);
      expect(seqs, 'seq increases').toEqual([...seqs].sort((a, b) => a - b));
      client.ws.close();
    }
  });

  it('coalesces a burst of lines into one update per stat', async () => {
    const stats = connect(server, `/ws/stats/${SESSION}`);
    await opened(stats);
    await waitFor(() => (stats.events.length === 4 ? true : undefined));
    const burst: string[] = [];
    for (let i = 0; i < 20; i++) {
      n++;
      burst.push(userLine({ sessionId: SESSION, uuid: `burst-u-${n}`, text: 'go' }));
      burst.push(assistantLine({ sessionId: SESSION, uuid: `burst-a-${n}`, messageId: `msg_b${n}`, requestId: `req_b${n}`, output: 1 }));
    }
    fs.appendFileSync(file, `${burst.join('\n')}\n`);
    const messages = await waitFor(() => stats.events.find((e) => e.stat_type === 'messages' && (e.update as { new_value: number }).new_value === 44), 10_000, 'all 40 lines counted');
    const updates = stats.events.slice(4).filter((e) => e.stat_type === 'messages');
    expect(updates.length).toBeLessThanOrEqual(3); // one per read of the file: a burst is one read, at most a few
    expect(updates.reduce((sum, e) => sum + (e.update as { delta: number }).delta, 0)).toBe(40);
    expect(messages).toBeDefined();
    stats.ws.close();
  });

  it('resumes with ?since= without losing or repeating anything, and resyncs when it cannot', async () => {
    const first = connect(server, '/ws/activity-stream');
    await opened(first);
    await waitFor(() => (first.events.length >= 1 ? true : undefined));
    turn(file);
    await waitFor(() => (first.events.filter((e) => e.type === 'new_message').length === 2 ? true : undefined));
    const lastSeq = Math.max(...first.events.map((e) => e.seq as number));
    first.ws.close();
    await first.closed;

    const missed = [...turn(file), ...turn(file)];
    await server.watcher.idle();
    const again = connect(server, `/ws/activity-stream?since=${lastSeq}`);
    await opened(again);
    const got = await waitFor(() => {
      const uuids = again.events.filter((e) => e.type === 'new_message').map((e) => (e.data as { uuid: string }).uuid);
      return uuids.length >= 4 ? uuids : undefined;
    });
    expect(got).toEqual(missed);
    expect(again.events.some((e) => e.type === 'snapshot' || e.type === 'resync')).toBe(false);
    const seqs = again.events.map((e) => e.seq as number);
    expect(seqs[0]).toBe(lastSeq + 1);
    expect(seqs).toEqual(seqs.map((_, i) => lastSeq + 1 + i)); // no gap
    again.ws.close();

    const ahead = connect(server, '/ws/activity-stream?since=999999');
    await opened(ahead);
    await waitFor(() => (ahead.events.length >= 2 ? true : undefined));
    expect(ahead.events[0]).toMatchObject({ type: 'resync', reason: 'restart' });
    expect(LiveActivitySchema.parse((ahead.events[1] as { data: unknown }).data).active_sessions[0]?.session_id).toBe(SESSION);
    ahead.ws.close();
  });

  it('gives a stalled client a bounded queue and then a resync marker, not unbounded memory', async () => {
    // Its own server: with the short heartbeat above, a client that stops reading is reaped first.
    const own = emptyHome();
    const ownFile = path.join(own.projectDir, `${SESSION}.jsonl`);
    fs.writeFileSync(ownFile, `${userLine({ sessionId: SESSION, uuid: 'first', text: 'hi' })}\n`);
    const server = await startOn(own.home, { ws: { limits: { highWaterBytes: 4096, maxQueued: 20 } } });
    const file = ownFile;
    const slow = connect(server, '/ws/activity-stream');
    await opened(slow);
    await waitFor(() => (slow.events.length >= 1 ? true : undefined));
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // stop reading: the server's send buffer fills
    // Enough events to fill the kernel's socket buffers on both sides (a few MB) and then some.
    for (let i = 0; i < 40 && !/claudelens_ws_events_dropped_total [1-9]/.test(await (await fetch(`${server.url}/metrics`)).text()); i++) {
      fs.appendFileSync(file, `${Array.from({ length: 1000 }, (_, j) => userLine({ sessionId: SESSION, uuid: `slow-${i}-${j}`, text: `${'x'.repeat(230)} ${j}` })).join('\n')}\n`);
      await waitFor(() => (fs.statSync(file).size > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.watcher.idle();
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/claudelens_ws_events_dropped_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    socket.resume();
    const resync = await waitFor(() => slow.events.find((e) => e.type === 'resync'), 10_000, 'a resync marker');
    expect(resync).toMatchObject({ reason: 'slow_consumer' });
    const after = slow.events.slice(slow.events.indexOf(resync) + 1);
    expect(after[0]?.type).toBe('snapshot');
    slow.ws.close();
    await server.close();
  });

  it('answers a ping, and closes a socket that sends malformed, unexpected or oversized frames', async () => {
    const pinger = connect(server, '/ws/metrics-updates');
    await opened(pinger);
    pinger.ws.send('{"type":"ping"}');
    await waitFor(() => (pinger.events.some((e) => e.type === 'pong') ? true : undefined));
    pinger.ws.close();

    const cases: [string, number][] = [
      ['{not json', 1007],
      ['{"type":"subscribe"}', 1008],
      [JSON.stringify({ type: 'ping', pad: 'x'.repeat(4096) }), 1009],
    ];
    for (const [frame, code] of cases) {
      const client = connect(server, '/ws/activity-stream');
      await opened(client);
      client.ws.send(frame);
      expect((await client.closed).code).toBe(code);
    }
    // The server is undisturbed.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('reaps a peer that stops answering pings', async () => {
    const silent = connect(server, '/ws/metrics-updates', { autoPong: false });
    await opened(silent);
    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated, not closed politely
  });

  it('refuses an unknown session with close code 4404', async () => {
    const client = connect(server, '/ws/stats/no-such-session');
    expect((await client.closed).code).toBe(4404);
  });
});

describe('security', () => {
  const { home, projectDir } = emptyHome();
  let server: RunningServer;

  beforeAll(async () => {
    fs.writeFileSync(path.join(projectDir, `${SESSION}.jsonl`), `${userLine({ sessionId: SESSION, uuid: 'sec', text: 'hi' })}\n`);
    server = await startOn(home, { token: 's3cret' });
  });
  afterAll(() => server.close());

  it('requires the token on REST (header or cookie), but not on /healthz', async () => {
    const url = `${server.url}/api/v1/analytics/stats/live?session_id=${SESSION}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer s3cret' } });
    expect(LiveStatsSchema.parse(await ok.json()).messages.value).toBe(1);
    expect((await fetch(url, { headers: { cookie: 'claudelens_token=s3cret' } })).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('requires it on WebSockets too (header or subprotocol), and checks the Origin', async () => {
    await expect(opened(connect(server, '/ws/activity-stream'))).rejects.toThrow('HTTP 401');
    const bearer = connect(server, '/ws/activity-stream', { headers: { authorization: 'Bearer s3cret' } });
    await opened(bearer);
    const browser = connect(server, '/ws/activity-stream', {}, ['claudelens.token.s3cret']);
    await opened(browser);
    expect(browser.ws.protocol).toBe('claudelens.token.s3cret');
    await expect(opened(connect(server, '/ws/activity-stream', { headers: { authorization: 'Bearer s3cret', origin: 'https://evil.example' } }))).rejects.toThrow('HTTP 403');
    const sameOrigin = connect(server, '/ws/activity-stream', { headers: { authorization: 'Bearer s3cret', origin: server.url } });
    await opened(sameOrigin);
    for (const client of [bearer, browser, sameOrigin]) client.ws.close();
  });

  it('refuses a state-changing request from another site', async () => {
    const res = await fetch(`${server.url}/api/v1/alerts/x/ack`, { method: 'POST', headers: { authorization: 'Bearer s3cret', origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    const own = await fetch(`${server.url}/api/v1/alerts/x/ack`, { method: 'POST', headers: { authorization: 'Bearer s3cret', origin: server.url } });
    expect(own.status).toBe(404); // allowed through to the route: no such alert
  });

  it('refuses to serve on a non-loopback address without a token', async () => {
    await expect(startOn(home, { host: '0.0.0.0' })).rejects.toThrow(/refusing to serve on 0\.0\.0\.0 without a token/);
  });
});
