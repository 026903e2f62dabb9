import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TOKEN_COOKIE, TOKEN_PROTOCOL_PREFIX, type ErrorBody } from '@claudelens/protocol';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the token: only the web app's files and /healthz, which hold no data. */
    public?: boolean;
  }
}

export interface AuthOptions {
  /** Required on every route not marked `config: { public: true }` when set. */
  token: string | null;
  /** Extra origins a browser may open WebSockets from; the server's own origin always may. */
  allowedOrigins?: string[];
  /**
   * Host names (without port) requests may name; null: any. A loopback server without a token
   * gets the loopback names, so a page whose DNS name was rebound to 127.0.0.1 is refused.
   */
  allowedHosts?: string[] | null;
}

/** One registered route and whether it is served without the token (see `registeredRoutes`). */
export interface RouteAccess {
  method: string;
  url: string;
  public: boolean;
  websocket: boolean;
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/** The name in a Host header (or an `--allowed-host` value): lower case, no port, brackets or final dot; null if unreadable. */
export function hostName(header: string | undefined): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/i.exec(header?.trim() ?? '');
  return match?.[1] ? match[1].replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase() : null;
}

/**
 * The Host names a server accepts: without a token (loopback only), the loopback names, so a page
 * whose DNS name was rebound to 127.0.0.1 gets a 403; with `--allowed-host`, those too. With a
 * token and no `--allowed-host`, any: a rebound page never holds the token (docs/security.md).
 */
export function hostAllowList(token: string | null, allowedHosts: string[] = []): string[] | null {
  return token === null || allowedHosts.length > 0 ? [...LOOPBACK_HOSTS, ...allowedHosts] : null;
}

/** The token a request carries: bearer header, cookie, or WebSocket subprotocol. */
export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie) {
    try {
      return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
    } catch {
      // A cookie that is not percent-encoding (`%`) is no token: a 401, not a 500 with a stack.
      request.log.debug('malformed token cookie');
      return null;
    }
  }
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

const routesByApp = new WeakMap<FastifyInstance, RouteAccess[]>();

/** Every route registered since `registerAuth`, with its access: what the route × spelling test walks. */
export function registeredRoutes(app: FastifyInstance): readonly RouteAccess[] {
  return routesByApp.get(app) ?? [];
}

/**
 * Host, Origin and token checks for every route, before any handler or WebSocket upgrade. Access
 * is decided from the route the router matched (its `config.public`), never from the raw URL:
 * the router decodes `/%61pi` to `/api`, and a check on the raw text let it through. A route
 * needs the token unless it says otherwise, and so does a request no route matched.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const routes: RouteAccess[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, public: route.config?.public === true, websocket: route.websocket === true });
    }
  });
  const hosts = options.allowedHosts ? new Set(options.allowedHosts.map((h) => hostName(h) ?? h)) : null;
  app.addHook('onRequest', async (request, reply) => {
    const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (hosts) {
      const name = hostName(request.headers.host);
      if (name === null || !(hosts.has(name) || isLoopback(name))) {
        return refuse(request, reply, 403, { error: { code: 'forbidden', message: 'Host not allowed (see --allowed-host)' } });
      }
    }
    // A page from another site may open sockets and POST to a loopback server: its Origin says so.
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    if ((isUpgrade || changes) && !originAllowed(request, options.allowedOrigins)) {
      return refuse(request, reply, 403, { error: { code: 'forbidden', message: 'Origin not allowed' } });
    }
    if (options.token === null || (request.routeOptions.config?.public === true && !isUpgrade)) return;
    const token = presentedToken(request);
    if (token === null || !same(token, options.token)) {
      return refuse(request, reply, 401, { error: { code: 'unauthorized', message: 'missing or wrong token' } });
    }
  });
}

/**
 * Answers with an error and closes the connection, so a refused request's body is never read
 * (left open, Node reads a pending body to the end to reuse the socket: one byte a second held it
 * for minutes). A refused WebSocket upgrade is answered on its raw socket: left to Fastify, the
 * socket stayed open and held up the server's shutdown.
 */
export function refuse(request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody, headers: Record<string, string> = {}): FastifyReply | void {
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return reply.code(status).headers({ ...headers, connection: 'close' }).send(body);
  const json = JSON.stringify(body);
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  request.raw.socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
  reply.hijack();
}
