import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSockets } from '../test/fakeSockets';
import { activityChannel, metricsChannel, sessionChannel } from './channels';
import { LiveClient, type LiveClientOptions, type Reachability } from './live-client';

const metric = (seq: number, mpm = 1) => ({
  type: 'metric_update',
  seq,
  timestamp: '2026-11-21T14:37:50.743Z',
  data: { metric_updates: { active_sessions: 1, messages_per_minute: mpm, current_cost_rate: 0 } },
});

function setup(options: Partial<LiveClientOptions> = {}) {
  const sockets = new FakeSockets();
  const frames: (() => void)[] = [];
  let reach: Reachability = 'reachable';
  const client = new LiveClient({
    baseUrl: 'http://claudelens.test',
    token: () => null,
    probe: async () => reach,
    createSocket: sockets.create,
    schedule: (run) => {
      frames.push(run);
      return () => frames.splice(frames.indexOf(run), 1);
    },
    random: () => 0.5,
    ...options,
  });
  const frame = () => frames.splice(0).forEach((run) => run());
  return { client, sockets, frame, setReach: (r: Reachability) => (reach = r) };
}

describe('LiveClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shares one socket per channel and hands events over once per frame, in order, without pongs', () => {
    const { client, sockets, frame } = setup();
    const a = vi.fn();
    const b = vi.fn();
    const offA = client.subscribe(metricsChannel, a);
    const offB = client.subscribe(metricsChannel, b);
    expect(sockets.all).toHaveLength(1);
    const socket = sockets.last('/ws/metrics-updates');
    expect(socket.url).toBe('ws://claudelens.test/ws/metrics-updates');
    socket.open();
    socket.receive(metric(0));
    socket.receive({ type: 'pong', seq: 9 });
    socket.receive(metric(1));
    expect(a).not.toHaveBeenCalled(); // not before the frame
    frame();
    expect(a).toHaveBeenCalledTimes(1);
    expect(a.mock.calls[0]?.[0].map((e: { seq: number }) => e.seq)).toEqual([0, 1]);
    expect(b).toHaveBeenCalledTimes(1);
    expect(client.status()).toEqual({ state: 'live', detail: null });
    offA();
    expect(socket.closedWith).toBeNull(); // b still listens
    offB();
    expect(socket.closedWith).toBe(1000);
    expect(client.openChannels()).toEqual([]);
  });

  it('ignores frames that do not match the protocol', () => {
    const { client, sockets, frame } = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const listener = vi.fn();
    client.subscribe(metricsChannel, listener);
    const socket = sockets.last('/ws/metrics-updates');
    socket.open();
    socket.receive('not json');
    socket.receive({ type: 'metric_update', seq: 'x' });
    socket.receive(metric(3));
    frame();
    expect(listener.mock.calls.flat(2).map((e: { seq: number }) => e.seq)).toEqual([3]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('reconnects with exponential backoff and resumes from the last seq it received (not a pong)', async () => {
    const { client, sockets, frame } = setup({ backoffBaseMs: 500, backoffMaxMs: 10_000, failuresBeforePolling: 5 });
    client.subscribe(metricsChannel, () => {});
    let socket = sockets.last('/ws/metrics-updates');
    socket.open();
    socket.receive(metric(4));
    socket.receive({ type: 'pong', seq: 12 });
    frame();
    socket.drop(1006);
    expect(client.status().state).toBe('connecting');
    // attempt 0: 500 ms ceiling, half fixed + half x random(0.5) = 375 ms
    await vi.advanceTimersByTimeAsync(374);
    expect(sockets.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.all).toHaveLength(2);
    socket = sockets.last('/ws/metrics-updates');
    expect(socket.since).toBe('4');
    socket.drop(1006); // attempt 1: 1000 ms ceiling -> 750 ms
    await vi.advanceTimersByTimeAsync(749);
    expect(sockets.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.all).toHaveLength(3);
    expect(sockets.last('/ws/metrics-updates').since).toBe('4');
    client.close();
  });

  it('after a resync it resumes from the snapshot seq, even when that is lower (a restarted server)', async () => {
    const { client, sockets, frame } = setup();
    client.subscribe(metricsChannel, () => {});
    let socket = sockets.last('/ws/metrics-updates');
    socket.open();
    socket.receive(metric(57));
    socket.drop();
    await vi.advanceTimersByTimeAsync(400);
    socket = sockets.last('/ws/metrics-updates');
    expect(socket.since).toBe('57');
    socket.open();
    socket.receive({ type: 'resync', seq: 2, reason: 'restart' });
    socket.receive(metric(2));
    frame();
    socket.drop();
    await vi.advanceTimersByTimeAsync(400);
    expect(sockets.last('/ws/metrics-updates').since).toBe('2');
    client.close();
  });

  it('says offline when the server does not answer, and live again when it is back', async () => {
    const { client, sockets, setReach } = setup({ now: () => Date.parse('2026-11-21T14:37:00Z') });
    client.subscribe(activityChannel, () => {});
    const socket = sockets.last('/ws/activity-stream');
    socket.open();
    socket.receive({ type: 'pong', seq: 0 });
    expect(client.lastDataAt()).toBe(Date.parse('2026-11-21T14:37:00Z'));
    setReach('unreachable');
    socket.drop(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.status().state).toBe('offline');
    await vi.advanceTimersByTimeAsync(400);
    sockets.last('/ws/activity-stream').drop(1006); // still down
    await vi.advanceTimersByTimeAsync(0);
    expect(client.status().state).toBe('offline');
    setReach('reachable');
    await vi.advanceTimersByTimeAsync(800);
    const back = sockets.last('/ws/activity-stream');
    back.open();
    back.receive({ type: 'resync', seq: 0, reason: 'restart' });
    expect(client.status().state).toBe('live');
    client.close();
  });

  it('falls back to polling when sockets fail while HTTP works, and then starts fresh (no since)', async () => {
    const { client, sockets, frame } = setup();
    client.subscribe(metricsChannel, () => {});
    const first = sockets.last('/ws/metrics-updates');
    first.open();
    first.receive(metric(8));
    frame();
    first.drop(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.status().state).toBe('connecting'); // one failure: a blip
    await vi.advanceTimersByTimeAsync(400);
    sockets.last('/ws/metrics-updates').drop(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.status()).toEqual({ state: 'polling', detail: 'WebSocket unavailable: refreshing over HTTP' });
    await vi.advanceTimersByTimeAsync(800);
    expect(sockets.last('/ws/metrics-updates').since).toBeNull();
    client.close();
  });

  it('stops at an unknown session (4404) and reports an error', async () => {
    const { client, sockets } = setup();
    client.subscribe(sessionChannel('nope'), () => {});
    sockets.last('/ws/session/nope').drop(4404, 'unknown session');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets.all).toHaveLength(1);
    expect(client.status()).toEqual({ state: 'error', detail: 'unknown session' });
    expect(client.status(['/ws/activity-stream']).state).toBe('idle');
    client.close();
  });

  it('pings, and treats a peer that sends nothing back as gone', async () => {
    const { client, sockets } = setup({ heartbeatMs: 1000, pongTimeoutMs: 500 });
    client.subscribe(metricsChannel, () => {});
    const socket = sockets.last('/ws/metrics-updates');
    socket.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.sent).toEqual(['{"type":"ping"}']);
    socket.receive({ type: 'pong', seq: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500); // no answer to the second ping
    expect(socket.closedWith).toBe(4000);
    await vi.advanceTimersByTimeAsync(400);
    expect(sockets.all).toHaveLength(2);
    client.close();
  });

  it('offers the token as a subprotocol', () => {
    const { client, sockets } = setup({ token: () => 's3cret' });
    client.subscribe(metricsChannel, () => {});
    expect(sockets.last('/ws/metrics-updates').protocols).toEqual(['claudelens.token.s3cret']);
    client.close();
  });

  it('leaves no timer and no socket behind once the last subscriber goes', async () => {
    const { client, sockets } = setup({ heartbeatMs: 1000 });
    const off = client.subscribe(metricsChannel, () => {});
    const offSession = client.subscribe(sessionChannel('s1'), () => {});
    sockets.last('/ws/metrics-updates').open();
    sockets.last('/ws/session/s1').drop(1006); // waiting to reconnect
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    off();
    offSession();
    expect(vi.getTimerCount()).toBe(0);
    expect(sockets.open()).toEqual([]);
    expect(client.openChannels()).toEqual([]);
  });

  it('reconnects at once when the browser comes back online', async () => {
    const events = new EventTarget();
    const { client, sockets } = setup({ events, backoffBaseMs: 5000 });
    client.subscribe(metricsChannel, () => {});
    sockets.last('/ws/metrics-updates').drop(1006);
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets.all).toHaveLength(1);
    events.dispatchEvent(new Event('online'));
    expect(sockets.all).toHaveLength(2);
    client.close();
  });
});
