import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, waitFor } from './helpers.js';

/** One line of serve's log (pino JSON). */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ServeProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** The log so far, parsed (lines that are not JSON are kept as level 0). */
  log(): LogLine[];
  stderr(): string;
  /** http://127.0.0.1:port, once it listens. */
  url(): Promise<string>;
  stop(): Promise<void>;
}

/** `claudelens serve` from the built CLI on a free port (--port 0), its log read from stdout. */
export function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): ServeProcess {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CLAUDELENS_LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const log = (): LogLine[] =>
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          return { level: 0, msg: line };
        }
      });
  return {
    child,
    exited,
    log,
    stderr: () => err,
    url: () =>
      waitFor(
        () => {
          const listening = log().find((l) => l.msg.startsWith('Server listening at '));
          if (listening) return listening.msg.slice('Server listening at '.length);
          if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${err}${out}`);
          return undefined;
        },
        30_000,
        'serve to listen',
      ),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
