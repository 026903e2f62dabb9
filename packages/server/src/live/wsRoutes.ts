import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  ClientMessageSchema,
  TOKEN_PROTOCOL_PREFIX,
  wsChannels,
  type ActivityChannelEvent,
  type MetricsChannelEvent,
  type SessionChannelEvent,
  type StatsChannelEvent,
} from '@claudelens/protocol';
import { channels } from './channels.js';
import type { EventBus } from './bus.js';
import type { ChannelEvent, Hub } from './hub.js';
import type { LiveEngine } from './liveEngine.js';
import { statEvent, metricEvent } from './liveEngine.js';
import type { LiveQueries } from './liveQueries.js';
import { cutOff, SocketFeed, type FeedCounters, type FeedLimits } from './socketFeed.js';
import { tokenBucket } from './tokenBucket.js';

/**
 * Client pings per socket: a burst of this many, then this many a second. The web client pings
 * every 20 s; a socket past the rate is closed (1008), since answering a flood costs the server a
 * parse and a frame per ping (a client that never read grew the heap by gigabytes).
 */
export const PING_BURST = 20;
export const PINGS_PER_SECOND = 5;

export interface WsOptions {
  hub: Hub;
  /** Several nodes: where a resume finds what this node's hub did not keep. */
  bus?: EventBus;
  engine: LiveEngine;
  queries: LiveQueries;
  counters: FeedCounters & { connected: number };
  /** Largest frame a client may send. */
  maxPayloadBytes?: number;
  heartbeatMs?: number;
  limits?: FeedLimits;
  /** Rejects a connection (auth, Origin) before it is upgraded; returns an error text or null. */
  admit?: (request: FastifyRequest) => string | null;
}

/** Close codes: RFC 6455 ones, and 4xxx ones of ours. */
export const CLOSE = { invalidPayload: 1007, policy: 1008, tooBig: 1009, unknownSession: 4404, unauthorized: 4401 } as const;

/** The four WebSocket channels of the specs. Only this folder knows about sockets. */
export async function registerWsRoutes(app: FastifyInstance, options: WsOptions): Promise<void> {
  const { hub, queries, counters } = options;
  await app.register(websocket, {
    options: {
      maxPayload: options.maxPayloadBytes ?? 64 * 1024,
      // A browser that sent its token as a subprotocol must get one back, or it drops the socket.
      handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? [...protocols][0] ?? false,
    },
  });

  // On shutdown every socket goes at once: a polite close would wait for each peer to answer.
  const sockets = new Set<WebSocket>();
  app.addHook('preClose', async () => {
    for (const socket of sockets) socket.terminate();
  });

  const open = (
    socket: WebSocket,
    request: FastifyRequest,
    channel: string,
    snapshot: (seq: number) => Promise<ChannelEvent[]>,
  ) => {
    counters.connected++;
    sockets.add(socket);
    const since = parseSince((request.query as Record<string, string | undefined>).since);
    // request.raw.socket is the upgraded TCP socket the WebSocket writes to: the feed corks it during a burst.
    const feed = new SocketFeed(socket, snapshot, () => hub.seqOf(channel), counters, options.limits, request.raw.socket);
    const subscription = hub.subscribe(channel, feed, since);
    const reason = since !== undefined && since > subscription.seq ? 'restart' : 'gap';
    const replay = async () => {
      // No ring here for this channel (its clients were on another node): the bus's history may have it.
      if (subscription.replay !== null || since === undefined || since > subscription.seq || !options.bus) return subscription.replay;
      return options.bus.history(channel, since, subscription.seq).catch(() => null);
    };
    void replay()
      .then((events) => feed.start(events, since === undefined, reason))
      .catch(() => socket.close(1011));
    let alive = true;
    socket.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) {
        socket.terminate(); // a dead peer: reaped
        return;
      }
      alive = false;
      socket.ping();
    }, options.heartbeatMs ?? 15_000);
    heartbeat.unref?.();
    const pings = tokenBucket(PING_BURST, PINGS_PER_SECOND);
    socket.on('message', (data, isBinary) => {
      if (socket.readyState !== socket.OPEN) return; // closing: what a flooder still had in flight
      if (!pings.take()) {
        counters.cutOff = (counters.cutOff ?? 0) + 1;
        cutOff(socket, CLOSE.policy, 'ping rate exceeded');
        return;
      }
      const text = isBinary ? null : data.toString();
      let parsed: unknown;
      try {
        parsed = text === null ? undefined : JSON.parse(text);
      } catch {
        socket.close(CLOSE.invalidPayload, 'malformed JSON');
        return;
      }
      if (!ClientMessageSchema.safeParse(parsed).success) {
        socket.close(CLOSE.policy, 'expected {"type":"ping"}');
        return;
      }
      feed.reply({ type: 'pong', seq: hub.seqOf(channel) });
    });
    socket.on('close', () => {
      counters.connected--;
      sockets.delete(socket);
      clearInterval(heartbeat);
      subscription.unsubscribe();
      feed.close();
    });
    socket.on('error', () => socket.terminate());
  };

  const refuse = (socket: WebSocket, code: number, reason: string) => {
    socket.close(code, reason);
  };

  const guard = (request: FastifyRequest, socket: WebSocket): boolean => {
    const problem = options.admit?.(request);
    if (problem) refuse(socket, CLOSE.unauthorized, problem);
    return !problem;
  };

  app.get<{ Params: { sessionId: string } }>(wsChannels.stats.route, { websocket: true }, async (socket, request) => {
    if (!guard(request, socket)) return;
    const { sessionId } = request.params;
    if (!(await queries.statsLive(sessionId))) return refuse(socket, CLOSE.unknownSession, 'unknown session');
    open(socket, request, channels.stats(sessionId), async (seq): Promise<StatsChannelEvent[]> => {
      const stats = await queries.statsLive(sessionId);
      const at = new Date().toISOString();
      return stats
        ? (['messages', 'tools', 'tokens', 'cost'] as const).map((stat) => ({ ...statEvent(sessionId, stat, stats[stat].value, 0, at), seq }))
        : [];
    });
  });

  app.get<{ Params: { sessionId: string } }>(wsChannels.session.route, { websocket: true }, async (socket, request) => {
    if (!guard(request, socket)) return;
    const { sessionId } = request.params;
    if (!(await queries.sessionLive(sessionId))) return refuse(socket, CLOSE.unknownSession, 'unknown session');
    open(socket, request, channels.session(sessionId), async (seq): Promise<SessionChannelEvent[]> => {
      const data = await queries.sessionLive(sessionId);
      return data ? [{ type: 'snapshot', seq, data }] : [];
    });
  });

  app.get(wsChannels.activity.route, { websocket: true }, (socket, request) => {
    if (!guard(request, socket)) return;
    open(socket, request, channels.activity, async (seq): Promise<ActivityChannelEvent[]> => [
      { type: 'snapshot', seq, timestamp: new Date().toISOString(), data: queries.liveActivity() },
    ]);
  });

  app.get(wsChannels.metrics.route, { websocket: true }, (socket, request) => {
    if (!guard(request, socket)) return;
    open(socket, request, channels.metrics, async (seq): Promise<MetricsChannelEvent[]> => [
      { ...metricEvent(options.engine.state.metricUpdates(), Date.now()), seq },
    ]);
  });
}

function parseSince(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}
