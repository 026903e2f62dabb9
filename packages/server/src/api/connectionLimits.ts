import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { refuse } from './auth.js';

/** How long a client may take, and how many may be connected at once (docs/security.md). */
export interface ConnectionLimits {
  /** Whole request, headers and body, from its first byte (ms). */
  requestTimeoutMs: number;
  /** Request headers from the first byte (ms). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection between requests (ms). */
  keepAliveTimeoutMs: number;
  /** How often Node looks for requests over their time (ms): a timeout can overshoot by this much. */
  checkEveryMs: number;
  /** Connections at once (WebSockets included); requests on connections past it get 503. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  // Long enough for a full ingest body on a slow uplink (docs/security.md, "Limits and their defaults").
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  checkEveryMs: 1_000,
  maxConnections: 1024,
};

/** Options for `Fastify()`: Node's own timeouts, which it enforces on every HTTP request (not on upgraded WebSockets). */
export function serverTimeouts(limits: ConnectionLimits) {
  // Node refuses a headers timeout longer than the request timeout (a short --request-timeout).
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkEveryMs },
  };
}

/**
 * The connection cap, and no reading of bodies nobody asked for. Node's `server.maxConnections`
 * would drop the socket without a word; here a connection past the cap is accepted, its request
 * answered 503 with `Connection: close`, and only past twice the cap are sockets dropped at once
 * (clients that never send a request would otherwise hold file descriptors until they time out).
 */
export function registerConnectionLimits(app: FastifyInstance, limits: ConnectionLimits): void {
  let open = 0;
  const over = new WeakSet<Socket>();
  const silent = new WeakSet<Socket>();
  app.server.maxConnections = limits.maxConnections * 2;
  app.server.on('connection', (socket: Socket) => {
    open++;
    if (open > limits.maxConnections) over.add(socket);
    socket.once('close', () => open--);
    // Node's headersTimeout runs from a request's first byte: a socket that never sends one was
    // held for ever. Idle this long before its first request, it is destroyed (Node's own handler).
    socket.setTimeout(limits.headersTimeoutMs);
    silent.add(socket);
  });
  app.addHook('onRequest', async (request, reply) => {
    // From here the request, keep-alive and WebSocket rules apply; a slow handler is not idleness.
    const socket = request.raw.socket;
    if (silent.delete(socket)) socket.setTimeout(0);
    if (!over.has(socket)) return;
    return refuse(request, reply, 503, { error: { code: 'unavailable', message: `over ${limits.maxConnections} connections: retry shortly` } }, { 'retry-after': '1' });
  });
  // Any answer given before its request's body was read (an error, a refusal) closes the
  // connection: otherwise Node reads the rest of the body, at the client's pace, to reuse it.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (bodyPending(request)) reply.header('connection', 'close');
    done(null, payload);
  });
}

function bodyPending(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  const declared = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  return declared && !request.raw.complete;
}
