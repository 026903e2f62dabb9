import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '@claudelens/protocol';

export interface AuthOptions {
  /** Required on every request but /healthz when set. */
  token: string | null;
  /** Extra origins a browser may open WebSockets from; the server's own origin always may. */
  allowedOrigins?: string[];
  /** Requests that need no token (the web app's static files, which hold no data). */
  isPublic?: (request: FastifyRequest) => boolean;
}

export const TOKEN_COOKIE = 'claudelens_token';
/** Browsers cannot set headers on a WebSocket: they may offer `claudelens.token.<token>` as a subprotocol. */
export const TOKEN_PROTOCOL_PREFIX = 'claudelens.token.';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/** The token a request carries: bearer header, cookie, or WebSocket subprotocol. */
export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie) return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  const protocols = request.headers['sec-websocket-protocol'];
  const offered = (Array.isArray(protocols) ? protocols.join(',') : (protocols ?? '')).split(',').map((p) => p.trim());
  const fromProtocol = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return fromProtocol ? fromProtocol.slice(TOKEN_PROTOCOL_PREFIX.length) : null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a browser's WebSocket Origin: its own host, or an allowed origin. Clients that are not
 * browsers send no Origin and pass.
 */
export function originAllowed(request: FastifyRequest, allowed: string[] = []): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Token and Origin checks for every route, before any handler or WebSocket upgrade. */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') return;
    // A page from another site may open sockets and POST to a loopback server: its Origin says so.
    const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    if ((isUpgrade || changes) && !originAllowed(request, options.allowedOrigins)) {
      return refuse(request, reply, 403, { error: { code: 'forbidden', message: 'Origin not allowed' } });
    }
    if (options.token === null || options.isPublic?.(request)) return;
    const token = presentedToken(request);
    if (token === null || !same(token, options.token)) {
      return refuse(request, reply, 401, { error: { code: 'unauthorized', message: 'missing or wrong token' } });
    }
  });
}

/**
 * Answers with an error. A refused WebSocket upgrade is answered on its raw socket, which is
 * then closed: left to Fastify, the socket stayed open and held up the server's shutdown.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody): FastifyReply | void {
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return reply.code(status).send(body);
  const json = JSON.stringify(body);
  request.raw.socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
  reply.hijack();
}
