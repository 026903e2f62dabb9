import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ChannelEvent } from './hub.js';
import { SocketFeed, type FeedCounters } from './socketFeed.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real socket pair on loopback whose client never reads: what the server holds for it is all in `server.bufferedAmount`. */
async function unreadPair(): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise((resolve) => wss.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('open', resolve));
  (client as unknown as { _socket: { pause(): void } })._socket.pause();
  return { server: await accepted, client };
}

const big = (seq: number): ChannelEvent => ({ type: 'snapshot', seq, data: 'x'.repeat(1 << 20) });

describe('SocketFeed against a client that reads nothing', () => {
  it('closes the socket (1013) once more than maxBufferedBytes wait unsent, and stops there', async () => {
    const { server } = await unreadPair();
    const counters: FeedCounters = { sent: 0, coalesced: 0, dropped: 0, cutOff: 0 };
    // A snapshot of 64 MiB: the kernel's buffers take a few MiB, the rest would wait in the process.
    const feed = new SocketFeed(server, async (seq) => Array.from({ length: 64 }, () => big(seq)), () => 0, counters, {
      highWaterBytes: 64 * 1024,
      maxQueued: 10,
      maxBufferedBytes: 4 << 20,
    });
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
    await feed.start(null, true, 'gap');
    expect(counters.cutOff).toBe(1);
    expect(counters.sent).toBeLessThan(64); // the frames after the cut were never sent
    expect(server.readyState).toBe(WebSocket.CLOSING);
    await closed; // dropped after the grace period: the client never answers the close
  });

  it('drops a pong while the socket is over its high-water mark, and sends it otherwise', async () => {
    const { server } = await unreadPair();
    const counters: FeedCounters = { sent: 0, coalesced: 0, dropped: 0 };
    const feed = new SocketFeed(server, async () => [], () => 0, counters, { highWaterBytes: 64 * 1024, maxQueued: 10 });
    await feed.start(null, true, 'gap');
    expect(feed.reply({ type: 'pong', seq: 0 })).toBe(true);
    while (server.bufferedAmount < 64 * 1024) server.send('y'.repeat(1 << 20)); // fill the kernel's buffers, then the socket's
    expect(feed.reply({ type: 'pong', seq: 0 })).toBe(false);
  });
});
