import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveToken, TOKEN_ARGV_WARNING } from '../src/config/token.js';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { startServer, type RunningServer } from '../src/cli/startServer.js';
import { ShipState } from '../src/ingest/shipState.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { CLI, emptyHome, runCli, tempDir } from './helpers.js';

// Issue 21 item 10: what ClaudeLens writes is its owner's only, whatever the umask; the token
// can come from a file; a token on the command line (readable in `ps`) is warned about.

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('file modes', () => {
  let previousUmask: number;
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    // With no umask at all, anything not created with an explicit mode would be world-readable.
    previousUmask = process.umask(0);
    dataDir = path.join(tempDir(), 'fresh', 'data');
    server = await startServer({ claudeDirs: [emptyHome().home], dataDir, databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live: loadLiveConfig(null) });
  });
  afterAll(async () => {
    await server?.close();
    process.umask(previousUmask);
  });

  it('creates the data folder 0700 and the database files 0600', () => {
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.dirname(dataDir))).toBe(0o700);
    for (const file of ['claudelens.db', 'claudelens.db-wal', 'claudelens.db-shm']) expect(mode(path.join(dataDir, file)), file).toBe(0o600);
  });

  it('mirrors shipped transcripts as 0600 files in 0700 folders, replaced copies too', async () => {
    const ingest = (reset: boolean) =>
      fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ claude_dir_id: 'laptop', files: [{ project: '-home-me-app', file: 'sub/agent-1.jsonl', offset: 0, data: '{}\n', reset }] }),
      });
    expect((await ingest(false)).status).toBe(200);
    expect((await ingest(true)).status).toBe(200);
    const remote = path.join(dataDir, 'remote');
    const all = fs.readdirSync(remote, { recursive: true, encoding: 'utf8' }).map((name) => path.join(remote, name));
    expect(all.filter((p) => p.endsWith('.jsonl')).length).toBe(2); // the copy and the one set aside
    expect(mode(remote)).toBe(0o700);
    for (const each of all) expect(mode(each), each).toBe(fs.statSync(each).isDirectory() ? 0o700 : 0o600);
  });

  it('narrows a database an older version left readable, and keeps the ship state private', () => {
    const dir = tempDir();
    openSqliteStore(dir).close();
    fs.chmodSync(path.join(dir, 'claudelens.db'), 0o644);
    openSqliteStore(dir).close();
    expect(mode(path.join(dir, 'claudelens.db'))).toBe(0o600);

    const shipData = path.join(tempDir(), 'ship-data');
    const state = ShipState.load(shipData, 'http://team:4280/');
    state.set('laptop', '/home/me/.claude', '-p/a.jsonl', { offset: 3, ino: 1, tail: Buffer.from('{}\n') });
    state.save();
    const [file] = fs.readdirSync(path.join(shipData, 'ship'));
    expect(mode(path.join(shipData, 'ship', file ?? ''))).toBe(0o600);
    expect(mode(path.join(shipData, 'ship'))).toBe(0o700);
  });
});

describe('the token', () => {
  it('comes from --token, --token-file, CLAUDELENS_TOKEN or CLAUDELENS_TOKEN_FILE, and says when it was on the command line', () => {
    const file = path.join(tempDir(), 'token');
    fs.writeFileSync(file, '  s3cret\n');
    expect(resolveToken({ token: 'a' }, {})).toEqual({ token: 'a', fromArgv: true });
    expect(resolveToken({ tokenFile: file }, { CLAUDELENS_TOKEN: 'b' })).toEqual({ token: 's3cret', fromArgv: false });
    expect(resolveToken({}, { CLAUDELENS_TOKEN: 'b', CLAUDELENS_TOKEN_FILE: file })).toEqual({ token: 'b', fromArgv: false });
    expect(resolveToken({}, { CLAUDELENS_TOKEN: '', CLAUDELENS_TOKEN_FILE: file })).toEqual({ token: 's3cret', fromArgv: false });
    expect(resolveToken({}, {})).toEqual({ token: null, fromArgv: false });
    expect(() => resolveToken({ token: 'a', tokenFile: file }, {})).toThrow(/not both/);
    expect(() => resolveToken({ tokenFile: path.join(tempDir(), 'missing') }, {})).toThrow(/cannot read .* \(ENOENT\)/);
    fs.writeFileSync(file, '\n');
    expect(() => resolveToken({ tokenFile: file }, {})).toThrow(/alone on one line/);
    expect(() => resolveToken({ token: ' ' }, {})).toThrow(/must not be empty/);
  });

  /** Starts `serve` with these flags, returns its log lines up to the "live" one, and stops it. */
  async function serveLog(flags: string[]): Promise<{ msg: string; level: number }[]> {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--claude-dir', emptyHome().home, '--data-dir', tempDir(), ...flags], { env: { ...process.env, CLAUDELENS_TOKEN: '' } });
    const lines: { msg: string; level: number }[] = [];
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (text += chunk));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        text += chunk;
        for (const line of text.split('\n').slice(lines.length, -1)) lines.push(JSON.parse(line) as { msg: string; level: number });
        if (lines.some((l) => l.msg === 'live')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
    });
    child.kill();
    return lines;
  }

  it('warns once when serve gets it with --token, and not with --token-file', async () => {
    const file = path.join(tempDir(), 'token');
    fs.writeFileSync(file, 'from-a-file\n', { mode: 0o600 });
    const [argv, fromFile] = await Promise.all([serveLog(['--token', 'on-the-command-line']), serveLog(['--token-file', file])]);
    expect(argv.filter((l) => l.msg === TOKEN_ARGV_WARNING && l.level === 40)).toHaveLength(1);
    expect(fromFile.filter((l) => l.msg.includes('--token'))).toHaveLength(0);
  });

  it('warns once when ship gets it with --token, and not with --token-file', async () => {
    const file = path.join(tempDir(), 'token');
    fs.writeFileSync(file, 'from-a-file\n', { mode: 0o600 });
    const ship = (flags: string[]) => runCli(['ship', '--server', 'http://127.0.0.1:9', '--once', '--claude-dir', emptyHome().home, '--data-dir', tempDir(), ...flags], { CLAUDELENS_TOKEN: '' });
    const [argv, fromFile] = await Promise.all([ship(['--token', 'on-the-command-line']), ship(['--token-file', file])]);
    expect(argv.code).toBe(0);
    expect(argv.stderr.split('\n').filter((l) => l === `ship: warning: ${TOKEN_ARGV_WARNING}`)).toHaveLength(1);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stderr).not.toContain('--token');
  });
});
