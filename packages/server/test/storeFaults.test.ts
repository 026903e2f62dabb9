import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthSchema, type Health } from '@claudelens/protocol';
import { copyFixtureHome, runCli, tempDir, userLine, waitFor } from './helpers.js';
import { openStore } from '../src/store/openStore.js';
import { PAGE_SIZE } from '../src/store/sqlite/openDatabase.js';
import { spawnServe, type LogLine, type ServeProcess } from './serveProcess.js';

// Issue 21 item 8: a store that fails after `serve` listens. Disk full is made without root by
// capping the database (--max-db-size, SQLite's max_page_count) and filling it up to the cap
// from this process; a corrupt database by overwriting its pages with garbage.

const PROJECT = '-Users-dain-workspace-JSSoundRecorder';
const PAGE = PAGE_SIZE;
const running: ServeProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function serve(args: string[]): ServeProcess {
  const server = spawnServe(args);
  running.push(server);
  return server;
}

async function health(url: string): Promise<{ code: number; body: Health } | undefined> {
  try {
    const response = await fetch(`${url}/healthz`);
    return { code: response.status, body: HealthSchema.parse(await response.json()) };
  } catch {
    return undefined; // not listening (any more)
  }
}

/** Warnings and worse in the log. */
const complaints = (log: LogLine[]) => log.filter((l) => l.level >= 40);

/**
 * Overwrites every page but the schema's (page 1, the header, and any other page the schema took)
 * with garbage, in the WAL too: the store still opens, and its first read of data fails.
 */
function garblePages(dataDir: string): number {
  const file = path.join(dataDir, 'claudelens.db');
  const reader = new Database(file, { readonly: true });
  const schema = new Set(reader.prepare<[], { pageno: number }>("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'").all().map((r) => r.pageno));
  reader.close();
  const garbage = Buffer.alloc(PAGE, 0xa5);
  let pages = 0;
  const wal = `${file}-wal`;
  if (fs.existsSync(wal)) {
    const fd = fs.openSync(wal, 'r+');
    const header = Buffer.alloc(4);
    for (let at = 32; at + 24 + PAGE <= fs.fstatSync(fd).size; at += 24 + PAGE) {
      fs.readSync(fd, header, 0, 4, at);
      if (schema.has(header.readUInt32BE(0))) continue; // the schema's frames stay
      fs.writeSync(fd, garbage, 0, PAGE, at + 24);
      pages++;
    }
    fs.closeSync(fd);
  }
  const fd = fs.openSync(file, 'r+');
  for (let page = 1; (page + 1) * PAGE <= fs.fstatSync(fd).size; page++) {
    if (schema.has(page + 1)) continue; // page numbers start at 1
    fs.writeSync(fd, garbage, 0, PAGE, page * PAGE);
    pages++;
  }
  fs.closeSync(fd);
  return pages;
}

/** Waits for the 503, checks its body, then the exit code and the single log line that says why. */
async function expectFatal(server: ServeProcess, url: string, reason: RegExp): Promise<void> {
  const failed = await waitFor(async () => {
    const h = await health(url);
    return h?.code === 503 ? h.body : undefined;
  }, 20_000, '/healthz to answer 503');
  expect(failed).toMatchObject({ status: 'failed', store: { status: 'failed' } });
  expect(failed.reason).toMatch(reason);
  expect(await server.exited).toBe(1);
  const lines = complaints(server.log());
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 60, reason: failed.reason });
}

describe('a store that fails after serve listens', () => {
  it('a corrupt database at start: /healthz 503 with the reason, one log line, exit 1', async () => {
    const home = copyFixtureHome([PROJECT]);
    const dataDir = tempDir('claudelens-data-');
    dirs.push(home, dataDir);
    expect((await runCli(['import', '--claude-dir', home, '--data-dir', dataDir])).code).toBe(0);
    expect(garblePages(dataDir)).toBeGreaterThan(5);
    const server = serve(['--claude-dir', home, '--data-dir', dataDir]);
    await expectFatal(server, await server.url(), /malformed.*SQLITE_CORRUPT/);
  });

  it('disk full during the backfill: /healthz 503 with the reason, one log line, exit 1 (not "ok, backfilling" for ever)', async () => {
    const home = copyFixtureHome([PROJECT]);
    const dataDir = tempDir('claudelens-data-');
    dirs.push(home, dataDir);
    // Room for an empty store (its page count grows as migrations add tables) and two pages more:
    // the project's lines need many more.
    const server = serve(['--claude-dir', home, '--data-dir', dataDir, '--max-db-size', String(((await emptyStorePages()) + 2) * PAGE)]);
    await expectFatal(server, await server.url(), /start-up failed: .*full.*SQLITE_FULL/);
  });

  it('a database corrupted while live: /healthz 503 with the reason, one log line, exit 1', async () => {
    const home = copyFixtureHome([PROJECT]);
    const dataDir = tempDir('claudelens-data-');
    dirs.push(home, dataDir);
    const server = serve(['--claude-dir', home, '--data-dir', dataDir]);
    const url = await server.url();
    await waitFor(async () => ((await health(url))?.body.phase === 'live' ? true : undefined), 30_000, 'live');
    // This connection reads the schema first, garbles the pages, then writes page 1 alone: the
    // server's connection sees the change and drops its cache, so it reads the garbage.
    const db = new Database(path.join(dataDir, 'claudelens.db'));
    db.pragma('user_version');
    expect(garblePages(dataDir)).toBeGreaterThan(5);
    db.pragma('user_version = 8');
    db.close();
    const file = path.join(home, 'projects', PROJECT, 'fresh.jsonl');
    fs.writeFileSync(file, `${userLine({ sessionId: 'corrupt-1', uuid: 'c-1', text: 'after the damage' })}\n`);
    await expectFatal(server, url, /malformed.*SQLITE_CORRUPT/);
  });

  it('disk full while live: degraded with the reason, warned once, then ok again with every line stored', async () => {
    const { home, projectDir } = emptyProject();
    const dataDir = tempDir('claudelens-data-');
    dirs.push(home, dataDir);
    const session = 'full-disk-1';
    const file = path.join(projectDir, `${session}.jsonl`);
    fs.writeFileSync(file, `${userLine({ sessionId: session, uuid: 'u-0', text: 'start', timestamp: '2026-12-01T00:00:00.000Z' })}\n`);
    const cap = 4 * 1024 * 1024;
    const server = serve(['--claude-dir', home, '--data-dir', dataDir, '--max-db-size', String(cap)]);
    const url = await server.url();
    await waitFor(async () => ((await health(url))?.body.phase === 'live' ? true : undefined), 30_000, 'live');

    // Other data takes the space up to past the cap, as other files fill a disk.
    const db = new Database(path.join(dataDir, 'claudelens.db'));
    db.pragma('busy_timeout = 10000');
    db.exec('CREATE TABLE filler (b BLOB)');
    const fill = db.prepare('INSERT INTO filler VALUES (zeroblob(65536))');
    while ((db.pragma('page_count', { simple: true }) as number) * PAGE <= cap + 256 * 1024) fill.run();

    const lines = 400;
    const text = 'x'.repeat(2000);
    const appended = Array.from({ length: lines }, (_, i) =>
      userLine({ sessionId: session, uuid: `u-${i + 1}`, text: `${i} ${text}`, timestamp: new Date(Date.UTC(2026, 11, 1, 0, 0, 1 + i)).toISOString() }),
    );
    fs.appendFileSync(file, `${appended.join('\n')}\n`);
    const degraded = await waitFor(async () => {
      const h = await health(url);
      return h?.body.store?.status === 'degraded' && h.body.store.failures >= 3 ? h : undefined;
    }, 30_000, 'the store to be degraded, failing again and again');
    expect(degraded.code).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', phase: 'live' });
    expect(degraded.body.reason).toMatch(/full.*SQLITE_FULL/);
    // Every retry failed, and one line said so (the next comes 30 s later, with the count).
    const warned = complaints(server.log());
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, reason: degraded.body.reason });

    db.exec('DROP TABLE filler'); // space returns
    db.close();
    await waitFor(async () => ((await health(url))?.body.status === 'ok' ? true : undefined), 30_000, 'the store to be ok again');
    const stored = await waitFor(async () => {
      const body = (await (await fetch(`${url}/api/v1/sessions/${session}`)).json()) as { messageCount?: number };
      return body.messageCount === lines + 1 ? body.messageCount : undefined;
    }, 30_000, 'every appended line to be stored');
    expect(stored).toBe(lines + 1);
    expect(complaints(server.log())).toHaveLength(1);
    expect(server.log().some((l) => l.level === 30 && /store recovered/.test(l.msg))).toBe(true);
    expect(server.child.exitCode).toBeNull();
  });
});

function emptyProject(): { home: string; projectDir: string } {
  const home = tempDir('claudelens-home-');
  const projectDir = path.join(home, 'projects', '-tmp-full');
  fs.mkdirSync(projectDir, { recursive: true });
  return { home, projectDir };
}

/** The pages a new, migrated, empty SQLite store takes. */
async function emptyStorePages(): Promise<number> {
  const dir = tempDir('claudelens-empty-');
  dirs.push(dir);
  await (await openStore({ kind: 'sqlite', dataDir: dir })).close();
  const db = new Database(path.join(dir, 'claudelens.db'), { readonly: true });
  try {
    return db.pragma('page_count', { simple: true }) as number;
  } finally {
    db.close();
  }
}
