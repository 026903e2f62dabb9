// `claudelens statusline`: Claude Code runs it after every assistant message with a JSON object on
// stdin and shows the first line it prints. It must be fast and must never fail the line, so this
// entry is loaded on its own by bin/claudelens.js (no commander, no zod, no fetch: node:http, which
// Node starts with) and every failure ends in a shorter line, never an error or a non-zero exit.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { formatStatusline, type ServerLimits, type StatuslineInput } from './statuslineFormat.js';

const HELP = `Usage: claudelens statusline [--server URL] [--token T | --token-file FILE] [--timeout-ms N]
       claudelens statusline --install [--yes] [--server URL] [--token-file FILE]

Reads Claude Code's status-line JSON on stdin, prints one status line, and hands the plan's
rate limits and the session's cost to the ClaudeLens server (default http://127.0.0.1:4280,
env CLAUDELENS_SERVER; token env CLAUDELENS_TOKEN). --install shows, and with confirmation
or --yes writes, the statusLine entry of Claude Code's settings.json. See docs/limits.md.
`;

const DEFAULT_SERVER = 'http://127.0.0.1:4280';
/** How long the server may take: Claude Code waits for the line, and runs it often. */
const DEFAULT_TIMEOUT_MS = 300;
/** Stdin that never closes (run by hand into a pipe left open) is given up after this. */
const STDIN_TIMEOUT_MS = 1000;

export async function runStatusline(argv: string[]): Promise<void> {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'timeout-ms': { type: 'string' },
        install: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    if (argv.includes('--install')) return fail(error); // a person at a terminal: say what is wrong
    options = {}; // Claude Code's line: an unknown flag must not blank it
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  if (options.install) {
    const { installStatusline } = await import('./statuslineInstall.js');
    await installStatusline({ yes: options.yes === true, server: options.server, tokenFile: options['token-file'] }).catch(fail);
    return;
  }
  let line = 'ClaudeLens';
  try {
    const input = parseInput(await readStdin());
    const server = await handOver(input, {
      server: options.server ?? process.env.CLAUDELENS_SERVER ?? DEFAULT_SERVER,
      token: token(options.token, options['token-file']),
      timeoutMs: Number(options['timeout-ms']) > 0 ? Number(options['timeout-ms']) : DEFAULT_TIMEOUT_MS,
    });
    line = formatStatusline(input, server, Date.now(), { color: !process.env.NO_COLOR });
  } catch {
    // what could be printed is printed
  }
  await new Promise<void>((resolve) => process.stdout.write(`${line}\n`, () => resolve()));
}

function fail(error: unknown): void {
  process.stderr.write(`claudelens statusline: ${(error as Error).message}\n`);
  process.exitCode = 2;
}

function token(flag: string | undefined, file: string | undefined): string | null {
  if (flag) return flag;
  if (file) {
    try {
      return fs.readFileSync(file, 'utf8').trim() || null;
    } catch {
      return null;
    }
  }
  return process.env.CLAUDELENS_TOKEN || null;
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, STDIN_TIMEOUT_MS);
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}

/** Whatever of Claude Code's object is there; anything else is ignored field by field. */
export function parseInput(text: string): StatuslineInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  return typeof raw === 'object' && raw !== null ? (raw as StatuslineInput) : {};
}

/** POSTs the limits and the session's cost; the server's answer (today's cost, its windows), or null. */
async function handOver(input: StatuslineInput, to: { server: string; token: string | null; timeoutMs: number }): Promise<ServerLimits | null> {
  const body: Record<string, unknown> = {};
  if (typeof input.session_id === 'string' && input.session_id.length > 0 && input.session_id.length <= 200) body.session_id = input.session_id;
  const cost = input.cost?.total_cost_usd;
  if (typeof cost === 'number' && cost >= 0 && Number.isFinite(cost)) body.session_cost_usd = cost;
  const limits: Record<string, unknown> = {};
  for (const name of ['five_hour', 'seven_day'] as const) {
    const w = input.rate_limits?.[name];
    if (w && typeof w.used_percentage === 'number' && w.used_percentage >= 0 && Number.isInteger(w.resets_at) && (w.resets_at as number) > 0) {
      limits[name] = { used_percentage: w.used_percentage, resets_at: w.resets_at };
    }
  }
  if (Object.keys(limits).length > 0) body.rate_limits = limits;
  let url: URL;
  try {
    url = new URL('/api/v1/usage/limits', to.server);
  } catch {
    return null;
  }
  const http = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(to.token ? { authorization: `Bearer ${to.token}` } : {}) },
        timeout: to.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(deadline);
          if ((response.statusCode ?? 0) >= 300) return resolve(null);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ServerLimits);
          } catch {
            resolve(null);
          }
        });
        response.on('error', () => resolve(null));
      },
    );
    // `timeout` is for an idle socket; this bounds the whole exchange.
    const deadline = setTimeout(() => {
      request.destroy();
      resolve(null);
    }, to.timeoutMs);
    request.on('error', () => {
      clearTimeout(deadline);
      resolve(null);
    });
    request.end(payload);
  });
}
