import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { CLI, runCli, tempDir, waitFor } from './helpers.js';

/** `claudelens serve` from the build, in its own process: what an attacker on the network reaches. */
export interface ServedChild {
  url: string;
  dataDir: string;
  child: ChildProcess;
  stderr(): string;
  /** One sample of /metrics, by metric name. */
  metrics(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function serveChild(home: string, extra: string[] = [], waitMs = 30_000): Promise<ServedChild> {
  const port = await freePort();
  const dataDir = tempDir();
  const child = spawn(process.execPath, [CLI, 'serve', '--claude-dir', home, '--data-dir', dataDir, '--port', String(port), ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CLAUDELENS_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const served: ServedChild = {
    url,
    dataDir,
    child,
    stderr: () => stderr,
    async metrics() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const values: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const match = /^(\w+) (\S+)$/.exec(line);
        if (match) values[match[1] as string] = Number(match[2]);
      }
      return values;
    },
    async close() {
      child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
        try {
          const health = (await (await fetch(`${url}/healthz`)).json()) as { phase: string };
          return health.phase === 'live' ? true : undefined;
        } catch {
          return undefined;
        }
      },
      waitMs,
      'the server to be live',
    );
  } catch (error) {
    await served.close();
    throw error;
  }
  return served;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Milliseconds /healthz takes to answer. */
export async function healthzMs(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  await response.text();
  return performance.now() - started;
}

/** The problems `claudelens report health` lists for the server's data dir, as `<file name> <kind>`. */
export async function fileProblems(dataDir: string): Promise<string[]> {
  const { stdout } = await runCli(['report', 'health', '--json', '--data-dir', dataDir, '--limit', '1000']);
  const health = JSON.parse(stdout) as { problems: { file: string; kind: string }[] };
  return health.problems.map((p) => `${path.basename(p.file)} ${p.kind}`).sort();
}
