// Bundles the compiled CLI (dist/cli/main.js, our modules and the packages they import) into a
// few files in dist/bundle, which bin/claudelens.js runs while it is newer than the last compile.
// Why: a warm restart of `serve` loaded some 460 modules one file at a time, about 0.35 s of a 0.6 s
// start; bundled, about 0.1 s less (docs/ingest.md, "Start-up: changed files only, newest first").
// Rolldown, because it is already here as Vite's bundler (the same version), and it splits the
// lazily loaded commands into chunks of their own, so `claudelens report` does not load the server.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(PACKAGE, 'dist');
const OUT = path.join(DIST, 'bundle');

// Left to node_modules: native addons (better-sqlite3; ws's optional bufferutil and
// utf-8-validate), the drivers loaded only when asked for (pg, ioredis), and pino, whose transports
// find their worker files beside their own.
const EXTERNAL = [/^node:/, 'better-sqlite3', 'bufferutil', 'utf-8-validate', 'pg', 'ioredis', 'pino'];

/**
 * Each of our modules keeps its own `import.meta.url`: worker threads, the price table and the
 * web app are found relative to it. Bundled, every module would share its chunk's URL, and
 * backfill would not find its worker file and read everything in one thread.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  transform(code, id) {
    if (!id.startsWith(DIST + path.sep) || !code.includes('import.meta.url')) return null;
    const relative = path.relative(OUT, id).split(path.sep).join('/');
    return code.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
  },
};

const main = path.join(DIST, 'cli', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write(`bundle: ${main} is missing; compile first (tsc -b packages/protocol packages/server)\n`);
  process.exit(1);
}
// Written beside, then moved in place: bin/claudelens.js never sees half a bundle.
const staging = `${OUT}.${process.pid}`;
fs.rmSync(staging, { recursive: true, force: true });
const bundle = await rolldown({ input: { main }, platform: 'node', external: EXTERNAL, plugins: [keepModuleUrls], logLevel: 'warn' });
await bundle.write({ dir: staging, format: 'esm', chunkFileNames: '[name]-[hash].js' });
await bundle.close();
fs.rmSync(OUT, { recursive: true, force: true });
fs.renameSync(staging, OUT);
