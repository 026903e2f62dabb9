import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

// Browser tests: the real `claudelens serve` (the built CLI, as a child process, so that it can be
// killed and started again) on a temporary claude folder, and Debian's Chromium.

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'packages/server/dist/cli/main.js');
const WEB = path.join(ROOT, 'packages/web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newest(dir: string): number {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/** Builds packages/web/dist when it is missing or older than the sources (a few seconds). */
export function ensureWebBuilt(): void {
  const index = path.join(WEB, 'dist/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(newest(path.join(WEB, 'src')), fs.statSync(path.join(WEB, 'index.html')).mtimeMs);
  if (built >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A temporary claude folder and data folder, and a `serve` on a fixed port that can be killed and started again. */
export class ServeProcess {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-web-e2e-'));
  readonly claudeDir = path.join(this.dir, 'claude');
  readonly dataDir = path.join(this.dir, 'data');
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    config: object = {},
    private readonly extraArgs: string[] = [],
  ) {
    fs.mkdirSync(path.join(this.claudeDir, 'projects'), { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'config.json'), JSON.stringify(config));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = fs.openSync(path.join(this.dir, 'serve.log'), 'a');
    const args = [CLI, 'serve', '--claude-dir', this.claudeDir, '--data-dir', this.dataDir, '--port', String(this.port), '--host', '127.0.0.1', '--config', path.join(this.dir, 'config.json'), ...this.extraArgs];
    const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], env: { ...process.env, CLAUDELENS_LOG_LEVEL: 'warn' } });
    fs.closeSync(log);
    this.child = child;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${this.log()}`);
      try {
        const health = (await (await fetch(`${this.url}/healthz`)).json()) as { phase: string };
        if (health.phase === 'live') return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`serve did not get live in 60 s: ${this.log()}`);
  }

  /** kill -9: no goodbye to the sockets. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  log(): string {
    return fs.readFileSync(path.join(this.dir, 'serve.log'), 'utf8').slice(-4000);
  }

  async dispose(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Appends transcript lines to `<project>/<session>.jsonl`, as Claude Code does. */
  append(project: string, sessionId: string, lines: string[]): void {
    const dir = path.join(this.claudeDir, 'projects', project);
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, `${sessionId}.jsonl`), lines.map((l) => `${l}\n`).join(''));
  }
}

let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;

export interface Line {
  uuid: string;
  text: string;
}

/** A typed prompt. */
export function userLine(sessionId: string, cwd: string, text: string, parentUuid: string | null = null): Line {
  const id = uuid();
  const line = { parentUuid, isSidechain: false, userType: 'external', cwd, sessionId, version: '2.1.114', type: 'user', message: { role: 'user', content: text }, uuid: id, timestamp: new Date().toISOString() };
  return { uuid: id, text: JSON.stringify(line) };
}

/** An assistant reply, priced as Sonnet 4.5 ($3/M in, $15/M out). */
export function assistantLine(sessionId: string, cwd: string, o: { text?: string; tool?: string; output?: number; parentUuid?: string | null }): Line {
  const id = uuid();
  const content = o.tool ? [{ type: 'tool_use', id: `toolu_${id.slice(-8)}`, name: o.tool, input: { file_path: 'src/app.ts' } }] : [{ type: 'text', text: o.text ?? 'ok' }];
  const line = {
    parentUuid: o.parentUuid ?? null,
    isSidechain: false,
    userType: 'external',
    cwd,
    sessionId,
    version: '2.1.114',
    type: 'assistant',
    requestId: `req_${id.slice(-12)}`,
    message: {
      id: `msg_${id.slice(-12)}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content,
      stop_reason: null,
      usage: { input_tokens: 10, output_tokens: o.output ?? 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    uuid: id,
    timestamp: new Date().toISOString(),
  };
  return { uuid: id, text: JSON.stringify(line) };
}
