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

/** Paths the API owns; everything else is the web app (its files, or index.html for its routes). */
function isApiPath(urlPath: string): boolean {
  return urlPath === '/api' || urlPath.startsWith('/api/') || urlPath.startsWith('/ws/') || urlPath === '/metrics' || urlPath === '/healthz';
}

/**
 * A request for the web app's files. They hold no data, so they need no token: the app reads
 * `?token=` itself and keeps it in the cookie the API accepts (api/auth.ts).
 */
export function isWebAppRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.headers.upgrade) return false;
  return !isApiPath(request.url.split('?')[0] ?? '');
}

/**
 * Serves the built dashboard at `/`: hashed files under /assets/ cached for good, index.html
 * never cached, and index.html for any other path without a file extension (the app's routes).
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

  app.get('/', serve);
  app.get('/*', serve);
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
