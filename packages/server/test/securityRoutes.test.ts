import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@claudelens/protocol';
import { hostName, registeredRoutes, type RouteAccess } from '../src/api/auth.js';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { startServer, type RunningServer, type ServeSettings } from '../src/cli/startServer.js';
import { copyFixtureHome, tempDir } from './helpers.js';
import { send, UPGRADE_HEADERS, type RawResponse } from './rawHttp.js';

// Issue 21 items 1, 2 and 10 (Host): every registered route, spelled every way a router or a
// proxy might read differently, refuses a request without the token; the Host allow-list keeps
// a DNS-rebound page off a loopback server that needs no token.

const TOKEN = 'T0k3n-for-the-matrix';
const PROJECT = '-Users-dain-workspace-claude-code-log-sample';
/** The only routes served without the token: the web app's files and /healthz. */
const PUBLIC = ['GET /', 'GET /*', 'GET /healthz', 'HEAD /', 'HEAD /*', 'HEAD /healthz'];

async function start(settings: Partial<ServeSettings>, logger?: ReturnType<typeof pino>): Promise<RunningServer> {
  const home = copyFixtureHome([PROJECT]);
  return startServer({ claudeDirs: [home], dataDir: tempDir(), databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), ...settings }, logger);
}

const portOf = (server: RunningServer) => Number(new URL(server.url).port);

/** A path of the route with its parameters filled in. */
function concrete(route: RouteAccess, sessionId: string): string {
  return route.url.replace(/:\w+/g, () => (route.url.startsWith('/api/v1/alerts/') ? 'alert-1' : sessionId));
}

const hex = (c: string, upper = false) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;

/** The same path spelled as an attacker would: encodings, dot segments, slashes, case, trailers. */
function spellings(path: string): [string, string][] {
  const segments = path.split('/').slice(1);
  const [first = '', ...rest] = segments;
  const after = rest.join('/');
  const tail = rest.length > 0 ? `/${after}` : '';
  const list: [string, string][] = [['plain', path]];
  segments.forEach((segment, i) => {
    const at = [...segment].findIndex((c) => /[a-z]/i.test(c));
    if (at < 0) return;
    const spelled = segments.map((s, j) => (j === i ? s.slice(0, at) + hex(s.charAt(at)) + s.slice(at + 1) : s));
    list.push([`letter of segment ${i} encoded`, `/${spelled.join('/')}`]);
  });
  list.push(
    ['first segment encoded, upper-case hex', `/${[...first].map((c) => hex(c, true)).join('')}${tail}`],
    ['slashes encoded %2F', `/${segments.join('%2F')}`],
    ['slashes encoded %2f', `/${segments.join('%2f')}`],
    ['double encoding', `/%25${hex(first.charAt(0)).slice(1)}${first.slice(1)}${tail}`],
    ['double-encoded slash', `/${segments.join('%252f')}`],
    ['leading //', `/${path}`],
    ['inner //', rest.length > 0 ? `/${first}//${after}` : `${path}//`],
    ['/./ prefix', `/.${path}`],
    ['%2e segment', `/%2e${path}`],
    ['x/.. inside', rest.length > 0 ? `/${first}/x/../${after}` : `/x/..${path}`],
    ['x/%2e%2e inside', rest.length > 0 ? `/${first}/x/%2e%2e/${after}` : `/x/%2e%2e${path}`],
    ['upper case', path.toUpperCase()],
    ['first segment upper case', `/${first.toUpperCase()}${tail}`],
    ['backslash', rest.length > 0 ? `/${first}\\${after}` : `/\\${path.slice(1)}`],
    ['encoded backslash', rest.length > 0 ? `/${first}%5c${after}` : `/%5c${path.slice(1)}`],
    ['overlong slash', rest.length > 0 ? `/${first}%c0%af${after}` : `/%c0%af${path.slice(1)}`],
    ['trailing ?', `${path}?`],
    ['trailing ?x=1', `${path}?x=1`],
    ['trailing #', `${path}#`],
    ['trailing ;', `${path};`],
    ['trailing ;x', `${path};jsessionid=1`],
    ['trailing /', `${path}/`],
    ['trailing %20', `${path}%20`],
    ['trailing %00', `${path}%00`],
  );
  return list;
}

/** A refusal carries no data: 400, 401 or 404, and (but for HEAD) nothing but an error body. */
function leak(method: string, response: RawResponse): string | null {
  if (response.upgraded) return 'upgraded to a WebSocket';
  if (![400, 401, 404].includes(response.status)) return `status ${response.status}: ${response.body.slice(0, 80)}`;
  if (method === 'HEAD') return null;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return `not an error body: ${response.body.slice(0, 80)}`;
  }
  return ErrorBodySchema.safeParse(body).success && Object.keys(body as object).join() === 'error' ? null : `not an error body: ${response.body.slice(0, 80)}`;
}

describe('the token on every route, however the path is spelled', () => {
  let server: RunningServer;
  let sessionId: string;

  beforeAll(async () => {
    server = await start({ token: TOKEN });
    const sessions = (await (await fetch(`${server.url}/api/v1/sessions`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { sessions: { sessionId: string }[] };
    sessionId = sessions.sessions[0]?.sessionId ?? '';
    expect(sessionId).not.toBe('');
  });
  afterAll(async () => server?.close());

  it('knows every route Fastify serves, and only the web app and /healthz are public', () => {
    const routes = registeredRoutes(server.app);
    // Cross-check with the router itself: a route registered out of sight of the auth hook would be missing here.
    const methodsInRouter = [...server.app.printRoutes({ commonPrefix: false }).matchAll(/\(([A-Z, ]+)\)/g)].reduce((n, m) => n + (m[1] ?? '').split(',').length, 0);
    expect(routes.length).toBe(methodsInRouter);
    expect(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort()).toEqual(PUBLIC);
    expect(routes.filter((r) => r.websocket).length).toBeGreaterThanOrEqual(4);
  });

  it('refuses every other route without the token under every spelling, WebSocket upgrades included', async () => {
    const port = portOf(server);
    const failures: string[] = [];
    let tried = 0;
    for (const route of registeredRoutes(server.app).filter((r) => !r.public)) {
      for (const [label, rawPath] of spellings(concrete(route, sessionId))) {
        const attempts: [string, Record<string, string>][] = [[route.method, {}]];
        if (route.method === 'GET') attempts.push(['GET', UPGRADE_HEADERS]);
        for (const [method, headers] of attempts) {
          tried++;
          const problem = await send(port, method, rawPath, headers).then((response) => leak(method, response), (error: Error) => `no HTTP answer: ${error.message}`);
          if (problem) failures.push(`${method}${headers.upgrade ? ' (upgrade)' : ''} ${rawPath} [${route.url}, ${label}]: ${problem}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(1000);
  });

  it('serves each of those routes with the token (so the matrix above reached them)', async () => {
    const port = portOf(server);
    for (const route of registeredRoutes(server.app).filter((r) => !r.public && r.method !== 'HEAD')) {
      const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...(route.websocket ? UPGRADE_HEADERS : {}) };
      const response = await send(port, route.method, concrete(route, sessionId), headers);
      if (route.websocket) expect(response.upgraded, route.url).toBe(true);
      else {
        expect(response.status, route.url).not.toBe(401);
        expect(response.body, route.url).not.toMatch(/no route/);
      }
    }
  });
});

describe('a malformed token cookie', () => {
  let server: RunningServer;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
    server = await start({ token: TOKEN }, pino({ level: 'debug' }, sink));
  });
  afterAll(async () => server?.close());

  it('is a 401, not a 500, with at most one debug line and no stack', async () => {
    for (const cookie of ['claudelens_token=%', 'claudelens_token=%E0%A4%A', `other=%; claudelens_token=%zz`]) {
      const before = lines.length;
      const response = await send(portOf(server), 'GET', '/api/v1/sessions', { cookie });
      expect(response.status, cookie).toBe(401);
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'unauthorized', message: 'missing or wrong token' } });
      const logged = lines.slice(before).map((line) => JSON.parse(line) as { level: number; msg?: string; err?: unknown });
      expect(logged.length, JSON.stringify(logged)).toBeLessThanOrEqual(1);
      expect(logged.every((l) => l.level <= 20 && l.err === undefined)).toBe(true);
    }
    // A malformed cookie of another name does not hide a good token.
    expect((await send(portOf(server), 'GET', '/api/v1/projects', { cookie: `other=%; claudelens_token=${TOKEN}` })).status).toBe(200);
  });
});

describe('the Host allow-list (DNS rebinding)', () => {
  it('reads the name of a Host header, or nothing for what is no name', () => {
    expect(['localhost:4280', 'LocalHost.', '127.0.0.1', '[::1]:80', 'my_service', 'a.b-c.example:65535'].map(hostName)).toEqual(['localhost', 'localhost', '127.0.0.1', '::1', 'my_service', 'a.b-c.example']);
    for (const bad of [undefined, '', 'a b', '::1', 'host:port', 'a/b', '[evil.example]', 'x:123456']) expect(hostName(bad), String(bad)).toBeNull();
  });

  let open: RunningServer;
  let withToken: RunningServer;

  beforeAll(async () => {
    [open, withToken] = await Promise.all([start({ allowedHosts: ['team.example.com'] }), start({ token: TOKEN })]);
  });
  afterAll(async () => Promise.all([open?.close(), withToken?.close()]));

  it('lets a loopback server without a token answer loopback names and --allowed-host ones only', async () => {
    const port = portOf(open);
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, '127.8.9.10', `localhost:${port}`, 'LOCALHOST', 'localhost.', `[::1]:${port}`, 'team.example.com', `Team.Example.Com:${port}`]) {
      expect((await send(port, 'GET', '/api/v1/projects', { host })).status, host).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.evil.example', 'team.example.com.evil', '0.0.0.0', 'a b', '[::2]']) {
      for (const [path, headers] of [['/api/v1/projects', {}], ['/healthz', {}], ['/', {}], ['/ws/activity-stream', UPGRADE_HEADERS]] as const) {
        const response = await send(port, 'GET', path, { host, ...headers });
        expect(response.status, `${host} ${path}`).toBe(403);
        expect(response.upgraded).toBe(false);
      }
    }
  });

  it('is not checked on a server with a token unless --allowed-host is given (a rebound page has no token)', async () => {
    const response = await send(portOf(withToken), 'GET', '/api/v1/projects', { host: 'team-host.internal', authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect((await send(portOf(withToken), 'GET', '/api/v1/projects', { host: 'evil.example' })).status).toBe(401);
  });
});
