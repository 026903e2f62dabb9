import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from './helpers.js';

const run = promisify(execFile);
const SERVER = path.join(REPO_ROOT, 'packages', 'server');
const BUNDLE = path.join(SERVER, 'dist', 'bundle');

describe('bin/claudelens.js', () => {
  /** A copy of the command in a tree of stand-ins that say which one ran. */
  function layout(files: Record<string, number>): string {
    const root = tempDir();
    const server = path.join(root, 'packages', 'server');
    fs.mkdirSync(path.join(server, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(SERVER, 'bin', 'claudelens.js'), path.join(server, 'bin', 'claudelens.js'));
    fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
    const texts: Record<string, string> = {
      'packages/server/dist/cli/main.js': 'console.log("compiled")',
      'packages/server/dist/bundle/main.js': 'console.log("bundle")',
      'packages/server/dist/.tsbuildinfo': '{}',
      'packages/protocol/dist/.tsbuildinfo': '{}',
    };
    for (const [file, secondsAgo] of Object.entries(files)) {
      const at = path.join(root, file);
      fs.mkdirSync(path.dirname(at), { recursive: true });
      fs.writeFileSync(at, texts[file] as string);
      const when = Date.now() / 1000 - secondsAgo;
      fs.utimesSync(at, when, when);
    }
    return path.join(server, 'bin', 'claudelens.js');
  }
  const ran = async (bin: string) => (await run(process.execPath, [bin, '--version'])).stdout.trim();
  const compiled = { 'packages/server/dist/cli/main.js': 60 };

  it('runs the bundle when it was made after the last compile of both packages', async () => {
    const bin = layout({ ...compiled, 'packages/server/dist/.tsbuildinfo': 60, 'packages/protocol/dist/.tsbuildinfo': 60, 'packages/server/dist/bundle/main.js': 30 });
    expect(await ran(bin)).toBe('bundle');
  });

  it('runs the compiled modules when either package was compiled after the bundle, or there is none', async () => {
    expect(await ran(layout({ ...compiled, 'packages/server/dist/.tsbuildinfo': 10, 'packages/protocol/dist/.tsbuildinfo': 60, 'packages/server/dist/bundle/main.js': 30 }))).toBe('compiled');
    expect(await ran(layout({ ...compiled, 'packages/server/dist/.tsbuildinfo': 60, 'packages/protocol/dist/.tsbuildinfo': 10, 'packages/server/dist/bundle/main.js': 30 }))).toBe('compiled');
    expect(await ran(layout({ ...compiled, 'packages/server/dist/.tsbuildinfo': 60 }))).toBe('compiled');
  });
});

describe('the bundle (npm test bundles before it runs)', () => {
  const chunks = () => {
    if (!fs.existsSync(path.join(BUNDLE, 'main.js'))) throw new Error(`no bundle in ${BUNDLE}: run npm run bundle (npm test does)`);
    return fs.readdirSync(BUNDLE).filter((name) => name.endsWith('.js')).map((name) => fs.readFileSync(path.join(BUNDLE, name), 'utf8'));
  };

  it("keeps each of our modules' own URL, so worker threads and data files are found where they were compiled", () => {
    const kept = new Set<string>();
    let bare = 0;
    for (const text of chunks()) {
      for (const m of text.matchAll(/new URL\("([^"]+)", import\.meta\.url\)\.href/g)) kept.add(m[1] as string);
      // The bundler's own require for the packages left out resolves them from the bundle's folder, as node would.
      bare += text.replaceAll(/new URL\("[^"]+", import\.meta\.url\)\.href|createRequire\(import\.meta\.url\)/g, '').split('import.meta.url').length - 1;
    }
    expect(bare).toBe(0);
    // The start-up read's worker threads and planner, the WAL checkpoint thread, long lines' parser, prices, the web app.
    for (const module of ['../ingest/backfill.js', '../ingest/planThread.js', '../store/sqlite/walCheckpointer.js', '../ingest/lineParser.js', '../config/prices.js', '../api/staticRoutes.js']) {
      expect(kept).toContain(module);
    }
    for (const module of kept) expect(fs.existsSync(path.join(BUNDLE, module)), module).toBe(true);
  });
});
