import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '@claudelens/protocol';

/** packages/web/dist in the workspace (`npm run build` makes it). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A first path segment the API owns, whatever follows it (`api;x`, `metrics `, `ws.`). */
const API_ROOT = /^(api|ws|metrics|healthz)([^a-z0-9_-]|$)/;

/**
 * Paths the API owns; everything else is the web app (its files, or index.html for its routes).
 * Compared as anyone might read them (decoded again, dots and doubled slashes resolved, any case,
 * anything after the name), so `//api/…`, `/./API/…`, `/%2561pi/…` or `/x/../api/…` get a 404 here
 * rather than the app's page. Access itself is decided from the matched route (api/auth.ts).
 */
function isApiPath(decodedPath: string): boolean {
  let text = decodedPath;
  for (let i = 0; i < 3 && text.includes('%'); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      break;
    }
  }
  const first = path.posix.normalize(text.replace(/\\/g, '/')).split('/').find((part) => part !== '') ?? '';
  return API_ROOT.test(first.toLowerCase());
}

/**
 * Serves the built dashboard at `/`: hashed files under /assets/ cached for good, index.html
 * never cached, and index.html for any other path without a file extension (the app's routes).
 * These routes are public (api/auth.ts): the files hold no data, and the app reads `?token=`
 * itself and keeps it in the cookie the API accepts.
 */
export function registerStaticRoutes(app: FastifyInstance, webDir: string = DEFAULT_WEB_DIR): void {
  const root = path.resolve(webDir);
  const index = path.join(root, 'index.html');

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (isApiPath(urlPath) || urlPath.includes('\0')) return reply.callNotFound();
    const file = path.resolve(root, `.${urlPath}`);
    if (file !== root && !file.startsWith(root + path.sep)) return reply.callNotFound();
    const found = await statFile(file);
    if (found) return send(reply, file, found.size, urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    // A missing asset is a 404, not the app: a stale tab asking for an old bundle should fail plainly.
    if (path.extname(urlPath) !== '') return reply.callNotFound();
    const app = await statFile(index);
    if (!app) {
      return reply.code(503).send({ error: { code: 'web_not_built', message: 'the web app is not built: run `npm run build`' } } satisfies ErrorBody);
    }
    return send(reply, index, app.size, 'no-cache');
  };

  app.get('/', { config: { public: true } }, serve);
  app.get('/*', { config: { public: true } }, serve);
}

async function statFile(file: string): Promise<fs.Stats | null> {
  try {
    const stat = await fs.promises.stat(file);
    return stat.isFile() ? stat : null;
  } catch {
    return null;
  }
}

function send(reply: FastifyReply, file: string, size: number, cacheControl: string): FastifyReply {
  return reply
    .header('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream')
    .header('content-length', size)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .send(fs.createReadStream(file));
}
