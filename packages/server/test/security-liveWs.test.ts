import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { emptyHome } from './helpers.js';
import { serveChild, type ServedChild } from './securityServe.js';

/** What the flooder may send at most: the server grew by gigabytes on less before it cut such clients off. */
const FLOOD_BYTES = 64 * 1024 * 1024;
const PING = JSON.stringify({ type: 'ping' });

describe('a WebSocket client that floods pings and reads nothing', () => {
  let server: ServedChild;
  beforeAll(async () => {
    server = await serveChild(emptyHome().home);
  });
  afterAll(() => server?.close());

  it('is closed (1008) long before the flood ends, and the server does not grow with it', async () => {
    const before = await server.metrics();
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/metrics-updates`);
    ws.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    // The client's own TCP socket stops reading: every pong and event stays with the server.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let sent = 0;
    let cut = false;
    void closed.then(() => (cut = true));
    while (sent < FLOOD_BYTES && !cut && ws.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 1000; i++) ws.send(PING);
      sent += 1000 * PING.length;
      // Let the bytes out, and let the client notice a close: a paused socket still sees the peer go.
      await new Promise((resolve) => setTimeout(resolve, ws.bufferedAmount > 4 << 20 ? 10 : 0));
      if (sent % (4 << 20) < 1000 * PING.length && (await server.metrics()).claudelens_ws_clients_cut_off_total === 1) break;
    }
    ws.terminate();
    expect(sent).toBeLessThan(FLOOD_BYTES);
    // The server counts the cut and the socket's end as it sees them: waited for, not assumed.
    await expect.poll(async () => (await server.metrics()).claudelens_ws_clients_cut_off_total, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await server.metrics()).claudelens_ws_clients, { timeout: 10_000 }).toBe(0);
    const after = await server.metrics();
    // Before the fix: +250 MB of heap for 20 MB of pings.
    expect((after.claudelens_process_heap_used_bytes ?? 0) - (before.claudelens_process_heap_used_bytes ?? 0)).toBeLessThan(64 << 20);
  });

  it('answers a client that pings at a sane pace', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/metrics-updates`);
    const pongs: unknown[] = [];
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'pong') pongs.push(frame);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    for (let i = 0; i < 10; i++) ws.send(PING);
    await expect.poll(() => pongs.length, { timeout: 5000 }).toBe(10);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
