// The WebSocket side of bench/live.mjs, in a worker thread so that the appender's ticks never
// delay a receive timestamp. Holds the subscribers, checks every channel's seq, forces
// reconnects with ?since=, and turns (append time, receive time) pairs into latencies.
// Over 300 lines: the subscribers, seq checks and latency sums share each client's state.
// workerData.urls: the server(s). Client i connects to urls[i % n] and every reconnect resumes on
// the next one (with two nodes: always the other node). workerData.url, one server, works too.
// Times are epoch ms from performance.timeOrigin + performance.now(): comparable across threads.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const wall = () => performance.timeOrigin + performance.now();
const f0 = (v) => v.toFixed(0);
const startedAt = wall();
const RETRY_UNKNOWN_MS = 200;

/** Latencies in buckets of 0.1 ms up to 10 s, then 10 ms up to 1000 s: flat in memory for a long soak. */
class Histogram {
  static FINE = 100_000;
  static COARSE = 100_000;
  constructor() {
    this.counts = new Uint32Array(Histogram.FINE + Histogram.COARSE);
    this.n = 0;
    this.max = 0;
  }
  add(ms) {
    const v = Math.max(0, ms);
    const fine = Math.round(v * 10);
    const bucket = fine < Histogram.FINE ? fine : Math.min(this.counts.length - 1, Histogram.FINE + Math.round((v - 10_000) / 10));
    this.counts[bucket]++;
    this.n++;
    if (v > this.max) this.max = v;
  }
  percentile(p) {
    if (this.n === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.n);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, i < Histogram.FINE ? i / 10 : 10_000 + (i - Histogram.FINE) * 10);
    }
    return this.max;
  }
  summary() {
    return { n: this.n, p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99), max: this.max };
  }
}

/**
 * This worker's own stalls, during the measurement: a receive timestamp taken late counts against
 * the server. Its event loop's delay, and its GC pauses (a pause of the worker holds every frame
 * that arrives meanwhile).
 */
const ownLoop = monitorEventLoopDelay({ resolution: 5 });
const ownGc = { n: 0, totalMs: 0, maxMs: 0, over20: 0 };
new PerformanceObserver((list) => {
  if (phase !== 'measure') return;
  for (const entry of list.getEntries()) {
    ownGc.n++;
    ownGc.totalMs += entry.duration;
    ownGc.maxMs = Math.max(ownGc.maxMs, entry.duration);
    if (entry.duration > 20) ownGc.over20++;
  }
}).observe({ entryTypes: ['gc'] });

const CHANNELS = ['session', 'stats', 'activity', 'metrics'];
/** Reconnects: from opening the socket to the server's 101. */
const handshakes = new Histogram();
const latency = Object.fromEntries(CHANNELS.map((c) => [c, { live: new Histogram(), resumed: new Histogram() }]));
/**
 * The warm-up (--warmup): live latency of the lines appended from the start of the load until
 * the measurement, on the message channels; kept apart from the measurement's.
 */
const warmupLatency = Object.fromEntries(['session', 'stats', 'activity'].map((c) => [c, new Histogram()]));
/** Per channel: frames appended while the client was connected that reached it only after a reconnect (see inWindow). */
const inFlightAtHangUp = Object.fromEntries(CHANNELS.map((c) => [c, 0]));

const { subscriptions, reconnect } = workerData;
const urls = workerData.urls ?? [workerData.url];
/**
 * Per node: connections opened, of which resumes (with ?since=), refusals as an unknown session
 * (4404: the node does not know the session yet), the seq gaps and resyncs its clients saw, and
 * the live latency of the message channels (session, activity, stats) on it.
 */
const byNode = urls.map(() => ({ connections: 0, resumes: 0, unknown: 0, seqGaps: 0, resyncs: {}, latency: new Histogram() }));
/** Live activity frames as (append time after t0 in ms, latency in ms): when the slowest were appended (tailWindows). */
const activityTimes = [];
const activityLatencies = [];
/** Message key (`session uuid`) → { t: append time, m: bitmask of the clients that received it }. */
const records = new Map();
/** Appends after the measurement started, in order: the metrics channel's reference. */
const measuredTimes = [];
/** The load's start: appends from here until t0 are the warm-up. */
let tLoad = Infinity;
let t0 = Infinity;
let tEnd = Infinity;
let phase = 'warmup';
const expected = { session: 0, activity: 0 };
const delivered = { session: 0, activity: 0 };

const clients = subscriptions.map((sub, id) => ({
  id,
  ...sub,
  /** Index in urls of the node this client is (or will next be) connected to. */
  node: id % urls.length,
  path: sub.channel === 'session' ? `/ws/session/${sub.sessionId}` : sub.channel === 'stats' ? `/ws/stats/${sub.sessionId}` : sub.channel === 'activity' ? '/ws/activity-stream' : '/ws/metrics-updates',
  ws: null,
  lastSeq: null,
  /** Frames with this seq are the snapshot (stats sends four). */
  snapshotSeq: null,
  expectSnapshot: true,
  ready: false,
  forced: false,
  /** [down, up] times of forced disconnections: an event appended in one is "resumed", not live. */
  windows: [],
  downAt: null,
  seqGaps: 0,
  seqRepeats: 0,
  resyncs: {},
  reconnects: 0,
  duplicates: 0,
  /** stats: the (messages count, append time) each append is waiting for, oldest first. */
  pending: [],
  /** stats: (value, receive time) of every `messages` update, values never decreasing. */
  receipts: [],
  lastValue: null,
  /** metrics: receive times of metric_update frames. */
  metricTimes: [],
}));
// Which clients got a message is a bitmask per record: `m` for the activity clients (at most 30),
// `s` for the session clients of the message's session.
const bySession = new Map();
let activityBit = 0;
for (const c of clients) {
  if (c.channel === 'activity') c.bit = activityBit++;
  if (c.sessionId) {
    const list = bySession.get(c.sessionId) ?? [];
    if (c.channel === 'session') c.bit = list.filter((x) => x.channel === 'session').length;
    list.push(c);
    bySession.set(c.sessionId, list);
  }
}
const activityClients = clients.filter((c) => c.channel === 'activity');

function connect(client) {
  const since = client.lastSeq === null ? '' : `?since=${client.lastSeq}`;
  const node = client.node;
  const ws = new WebSocket(`${urls[node].replace(/^http/, 'ws')}${client.path}${since}`, { perMessageDeflate: false });
  client.ws = ws;
  client.attempts = (client.attempts ?? 0) + 1;
  client.attemptAt = wall();
  const trace = (what) => (client.trace = [...(client.trace ?? []).slice(-6), `${f0(wall() - startedAt)}ms ${what}`]);
  trace(`connect${urls.length > 1 ? ` node ${node}` : ''}${since}`);
  ws.on('upgrade', () => trace('upgrade'));
  ws.on('open', () => trace('open'));
  ws.on('close', (code) => trace(`close ${code}`));
  ws.on('error', (e) => trace(`error ${e.message}`));
  ws.on('open', () => {
    byNode[node].connections++;
    if (client.lastSeq !== null) byNode[node].resumes++;
    if (client.lastSeq !== null) handshakes.add(wall() - client.attemptAt);
    if (client.downAt !== null) {
      client.windows.push([client.downAt, wall()]);
      client.downAt = null;
      client.reconnects++;
    }
  });
  ws.on('message', (data) => onFrame(client, JSON.parse(data.toString()), wall()));
  ws.on('error', () => {});
  ws.on('close', (code) => {
    if (client.ws !== ws) return;
    client.ws = null;
    if (code === 4404) {
      client.unknown = (client.unknown ?? 0) + 1;
      byNode[node].unknown++;
      setTimeout(() => connect(client), RETRY_UNKNOWN_MS); // the session is not stored yet
      return;
    }
    if (phase === 'done') return;
    // Forced by us, or dropped by the server: either way resume from the last seq seen.
    if (!client.forced) client.serverCloses = (client.serverCloses ?? 0) + 1;
    client.forced = false;
    client.downAt ??= wall();
    client.node = (client.node + 1) % urls.length; // resume on another node: seqs are the same on every node
    setTimeout(() => connect(client), client.reopenDelay ?? 0);
  });
}

function onFrame(client, event, now) {
  if (event.type === 'pong') return;
  if (event.type === 'resync') {
    client.resyncs[event.reason] = (client.resyncs[event.reason] ?? 0) + 1;
    const onNode = byNode[client.node].resyncs;
    onNode[event.reason] = (onNode[event.reason] ?? 0) + 1;
    client.expectSnapshot = true;
    client.snapshotSeq = null;
    client.lastSeq = event.seq;
    return;
  }
  if (client.expectSnapshot) {
    if (client.snapshotSeq === null) client.snapshotSeq = event.seq;
    if (event.seq === client.snapshotSeq) {
      client.lastSeq = event.seq;
      if (!client.ready) {
        client.ready = true;
        maybeReady();
      }
      handle(client, event, now, true);
      return;
    }
    client.expectSnapshot = false;
  }
  if (event.seq === client.lastSeq + 1) client.lastSeq = event.seq;
  else if (event.seq <= client.lastSeq) {
    client.seqRepeats++;
    return; // seen already: never counted twice
  } else {
    client.seqGaps += event.seq - client.lastSeq - 1;
    byNode[client.node].seqGaps += event.seq - client.lastSeq - 1;
    client.lastSeq = event.seq;
  }
  handle(client, event, now, false);
}

function handle(client, event, now, snapshot) {
  switch (client.channel) {
    case 'session':
      if (event.type === 'new_message') received(client, `${event.session_id} ${event.message.uuid}`, now);
      break;
    case 'activity':
      if (event.type === 'new_message') received(client, `${event.data.session_id} ${event.data.uuid}`, now);
      break;
    case 'stats':
      if (event.type === 'stat_update' && event.stat_type === 'messages') statsValue(client, event.update.new_value, now);
      break;
    case 'metrics':
      if (event.type === 'metric_update' && !snapshot) client.metricTimes.push(now);
      break;
  }
}

function received(client, key, now) {
  const record = records.get(key);
  if (!record) {
    // Not posted yet by the appender (it is a message away), or not ours at all.
    const early = (client.early ??= new Map());
    early.set(key, now);
    return;
  }
  account(client, record, now);
}

function account(client, record, now) {
  const { channel } = client;
  const field = channel === 'session' ? 's' : 'm';
  const bit = 1 << client.bit;
  if (record[field] & bit) {
    client.duplicates++;
    return;
  }
  record[field] |= bit;
  if (inWarmup(record.t) && !inWindow(client, record.t, now)) warmupLatency[channel].add(now - record.t);
  if (record.t < t0 || record.t > tEnd) return;
  delivered[channel]++;
  if (inWindow(client, record.t, now)) latency[channel].resumed.add(now - record.t);
  else {
    latency[channel].live.add(now - record.t);
    byNode[client.node].latency.add(now - record.t);
    if (channel === 'activity') {
      activityTimes.push(record.t - t0);
      activityLatencies.push(now - record.t);
    }
  }
}

/**
 * Where in time the slowest 1% of live activity frames were appended, by 250 ms window: a few
 * windows holding most of them is a stall (the server or the machine stopped for a moment), many
 * windows with a few each is queueing spread over the run.
 */
function tailWindows() {
  const n = activityLatencies.length;
  if (n === 0) return null;
  const p99 = Float64Array.from(activityLatencies).sort()[Math.floor(n * 0.99)];
  const windows = new Map();
  for (let i = 0; i < n; i++) {
    if (activityLatencies[i] < p99) continue;
    const w = Math.floor(activityTimes[i] / 250);
    windows.set(w, (windows.get(w) ?? 0) + 1);
  }
  const slow = [...windows.values()].reduce((a, b) => a + b, 0);
  const worst = [...windows].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([w, count]) => ({ atS: w / 4, count }));
  const top5 = worst.reduce((a, w) => a + w.count, 0);
  // p99 in each 10 s of the run by append time: a transient (the load starting) shows as one slow piece.
  const pieces = [];
  for (let i = 0; i < n; i++) (pieces[Math.floor(activityTimes[i] / 10_000)] ??= []).push(activityLatencies[i]);
  const byTenSeconds = Array.from(pieces, (piece) => (piece ? Float64Array.from(piece).sort()[Math.floor(piece.length * 0.99)] : NaN));
  return { p99, slow, windows: windows.size, of: Math.ceil((tEnd - t0) / 250), worst, top5, byTenSeconds };
}

/**
 * Whether a frame received at `at` for an append at `t` came by resume (?since=) rather than
 * live: appended while the client was away, or before the connection that received it opened
 * (in flight when the client hung up: no server could have delivered it live, and counted as live
 * it charged the bench's own disconnection, up to its reopen delay, to the server's latency).
 */
function inWindow(client, t, at) {
  if (client.downAt !== null && t >= client.downAt) return true;
  for (let i = client.windows.length - 1; i >= 0; i--) {
    const [down, up] = client.windows[i];
    if (up <= at) {
      if (t < up && t < down && t >= t0) inFlightAtHangUp[client.channel]++;
      return t < up;
    }
  }
  return false;
}

const inWarmup = (t) => t >= tLoad && t < t0;

function statsValue(client, value, now) {
  client.lastValue = value;
  client.receipts.push([value, now]);
  while (client.pending.length > 0 && client.pending[0][0] <= value) {
    const [, t] = client.pending.shift();
    if (inWarmup(t) && !inWindow(client, t, now)) warmupLatency.stats.add(now - t);
    if (t < t0 || t > tEnd) continue;
    if (inWindow(client, t, now)) latency.stats.resumed.add(now - t);
    else {
      latency.stats.live.add(now - t);
      byNode[client.node].latency.add(now - t);
    }
  }
}

/** The first receipt of a value >= k (receipts are in value order): for an append posted late. */
function firstReceipt(client, k) {
  let lo = 0;
  let hi = client.receipts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (client.receipts[mid][0] >= k) hi = mid;
    else lo = mid + 1;
  }
  return client.receipts[lo];
}

function onAppends(items) {
  for (const [sessionId, uuid, t, k] of items) {
    const key = `${sessionId} ${uuid}`;
    const record = { t, m: 0, s: 0 };
    records.set(key, record);
    const subscribed = bySession.get(sessionId);
    const measured = t >= t0 && t <= tEnd;
    if (measured) {
      measuredTimes.push(t);
      expected.activity += activityClients.length;
    }
    for (const c of subscribed ?? []) {
      if (c.channel === 'session' && measured) expected.session++;
      if (c.channel === 'stats') {
        const receipt = c.lastValue !== null && c.lastValue >= k ? firstReceipt(c, k) : undefined;
        if (receipt && measured) (inWindow(c, t, receipt[1]) ? latency.stats.resumed : latency.stats.live).add(receipt[1] - t);
        else if (receipt && inWarmup(t) && !inWindow(c, t, receipt[1])) warmupLatency.stats.add(receipt[1] - t);
        else if (!receipt) c.pending.push([k, t]);
        if (measured) c.expectedStats = (c.expectedStats ?? 0) + 1;
      }
    }
    for (const c of clients) {
      if (!c.early?.size) continue;
      const early = c.early.get(key);
      if (early === undefined) continue;
      c.early.delete(key);
      account(c, record, early);
    }
    lastK.set(sessionId, k);
  }
}
const lastK = new Map();

function maybeReady() {
  if (phase === 'warmup' && clients.every((c) => c.ready)) parentPort.postMessage({ type: 'ready', at: wall() });
}

let reconnectTimer = null;
function startReconnects() {
  if (!reconnect.everyMs || !reconnect.count) return;
  let turn = 0;
  reconnectTimer = setInterval(() => {
    // Round-robin over the channels, so each sees its share of resumes.
    for (let i = 0; i < reconnect.count; i++) {
      const channel = CHANNELS[turn++ % CHANNELS.length];
      const candidates = clients.filter((c) => c.channel === channel && c.ws && c.ws.readyState === WebSocket.OPEN);
      const client = candidates[Math.floor(Math.random() * candidates.length)];
      if (!client) continue;
      client.forced = true;
      client.downAt = wall();
      client.reopenDelay = Math.random() * reconnect.maxDelayMs;
      // Half polite closes, half dropped connections (what a network failure looks like).
      if (turn % 2) client.ws.close();
      else client.ws.terminate();
    }
  }, reconnect.everyMs);
}

function missing() {
  let session = 0;
  let activity = 0;
  const examples = [];
  for (const [key, record] of records) {
    if (record.t < t0 || record.t > tEnd) continue;
    for (const c of bySession.get(key.slice(0, key.indexOf(' '))) ?? []) {
      if (c.channel !== 'session' || record.s & (1 << c.bit)) continue;
      session++;
      if (examples.length < 5) examples.push(`session ${key}`);
    }
    for (const c of activityClients) {
      if (!(record.m & (1 << c.bit))) {
        activity++;
        if (examples.length < 5) examples.push(`activity#${c.bit} ${key}`);
      }
    }
  }
  return { session, activity, examples };
}

function metricsLatency() {
  const times = measuredTimes;
  for (const c of clients.filter((x) => x.channel === 'metrics')) {
    let j = 0;
    for (const t of times) {
      while (j < c.metricTimes.length && c.metricTimes[j] <= t) j++;
      if (j === c.metricTimes.length) {
        c.unresolved = (c.unresolved ?? 0) + 1;
        continue;
      }
      (inWindow(c, t, c.metricTimes[j]) ? latency.metrics.resumed : latency.metrics.live).add(c.metricTimes[j] - t);
    }
  }
}

function statsOutstanding() {
  return clients.filter((c) => c.channel === 'stats').reduce((n, c) => n + c.pending.filter(([, t]) => t >= t0 && t <= tEnd).length, 0);
}

function settled() {
  const metricsAfterEnd = clients.filter((c) => c.channel === 'metrics').every((c) => (c.metricTimes.at(-1) ?? 0) > tEnd);
  return delivered.session >= expected.session && delivered.activity >= expected.activity && statsOutstanding() === 0 && metricsAfterEnd;
}

function summary() {
  metricsLatency();
  const sum = (channel, field) => clients.filter((c) => c.channel === channel).reduce((n, c) => n + (typeof field === 'function' ? field(c) : c[field] ?? 0), 0);
  const resyncs = (channel) => sum(channel, (c) => Object.values(c.resyncs).reduce((a, b) => a + b, 0));
  const lost = missing();
  const perChannel = {};
  for (const channel of CHANNELS) {
    perChannel[channel] = {
      clients: clients.filter((c) => c.channel === channel).length,
      live: latency[channel].live.summary(),
      resumed: latency[channel].resumed.summary(),
      reconnects: sum(channel, 'reconnects'),
      serverCloses: sum(channel, 'serverCloses'),
      seqGaps: sum(channel, 'seqGaps'),
      seqRepeats: sum(channel, 'seqRepeats'),
      resyncs: resyncs(channel),
      duplicates: sum(channel, 'duplicates'),
      early: sum(channel, (c) => c.early?.size ?? 0),
      inFlightAtHangUp: inFlightAtHangUp[channel],
    };
  }
  perChannel.session.expected = expected.session;
  perChannel.session.delivered = delivered.session;
  perChannel.session.missing = lost.session;
  perChannel.activity.expected = expected.activity;
  perChannel.activity.delivered = delivered.activity;
  perChannel.activity.missing = lost.activity;
  perChannel.stats.expected = sum('stats', 'expectedStats');
  perChannel.stats.missing = statsOutstanding();
  perChannel.stats.delivered = perChannel.stats.expected - perChannel.stats.missing;
  // The last `messages` value each stats client saw against the messages appended to its session.
  perChannel.stats.finalMismatch = clients.filter((c) => c.channel === 'stats' && c.lastValue !== (lastK.get(c.sessionId) ?? c.lastValue)).length;
  perChannel.metrics.expected = measuredTimes.length * perChannel.metrics.clients;
  perChannel.metrics.missing = sum('metrics', 'unresolved');
  perChannel.metrics.delivered = perChannel.metrics.expected - perChannel.metrics.missing;
  perChannel.metrics.updates = sum('metrics', (c) => c.metricTimes.length);
  return {
    perChannel,
    byNode: byNode.map(({ latency: h, ...n }) => ({ ...n, latency: h.summary() })),
    missingExamples: lost.examples,
    records: records.size,
    handshakes: handshakes.summary(),
    worker: { loopP99Ms: ownLoop.percentile(99) / 1e6, loopMaxMs: ownLoop.max / 1e6, gc: ownGc },
    tail: tailWindows(),
    warmup: Object.fromEntries(Object.entries(warmupLatency).map(([c, h]) => [c, h.summary()])),
  };
}

parentPort.on('message', (message) => {
  switch (message.type) {
    case 'status': {
      const unready = clients
        .filter((c) => !c.ready)
        .map((c) => `${c.channel}${c.sessionId ? ` ${c.sessionId}` : ''} (${c.attempts} attempts, ${c.unknown ?? 0} refused as unknown, ${c.ws ? `socket state ${c.ws.readyState} for ${f0(wall() - c.attemptAt)} ms` : 'waiting to retry'}; ${c.trace?.join(', ')})`);
      parentPort.postMessage({ type: 'status', unready });
      break;
    }
    case 'appends':
      onAppends(message.items);
      break;
    case 'load':
      tLoad = message.from;
      break;
    case 'measure':
      t0 = message.from;
      phase = 'measure';
      ownLoop.enable();
      startReconnects();
      break;
    case 'drain': {
      tEnd = message.until;
      phase = 'drain';
      ownLoop.disable();
      if (reconnectTimer) clearInterval(reconnectTimer);
      // Waits while deliveries still progress (a server behind catches up), at most maxMs.
      const deadline = wall() + message.maxMs;
      let progress = '';
      let progressAt = wall();
      const check = () => {
        // Not metric_update frames: they keep coming every second whatever happens.
        const now = `${delivered.session} ${delivered.activity} ${statsOutstanding()}`;
        if (now !== progress) {
          progress = now;
          progressAt = wall();
        }
        // Forced-closed clients still reconnecting are waited for too.
        const allOpen = clients.every((c) => c.ws && c.ws.readyState === WebSocket.OPEN);
        if ((allOpen && settled()) || wall() > deadline || wall() - progressAt > message.stallMs) {
          phase = 'done';
          const result = summary();
          for (const c of clients) c.ws?.terminate();
          parentPort.postMessage({ type: 'summary', drainMs: wall() - tEnd, ...result });
          return;
        }
        setTimeout(check, 100);
      };
      check();
      break;
    }
  }
});

for (const client of clients) connect(client);
