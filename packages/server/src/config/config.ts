import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A mistake in how ClaudeLens was invoked: shown as one line, never as a stack trace. */
export class UsageError extends Error {}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4280;

export interface CommonOptions {
  claudeDir?: string[];
  dataDir?: string;
  databaseUrl?: string;
  prices?: string;
}

export interface Config {
  claudeDirs: string[];
  dataDir: string;
  /** A PostgreSQL store (postgres://…) instead of the SQLite file in `dataDir`; null for SQLite. */
  databaseUrl: string | null;
  /** A user's price file merged over the built-in table. */
  pricesFile: string | null;
  /** SQLite: the database file may grow to this many bytes; past it, writes fail as on a full disk (`serve --max-db-size`). */
  maxDbBytes?: number | null;
}

type Env = Record<string, string | undefined>;

/** Claude Code's own rule: `CLAUDE_CONFIG_DIR` (comma-separated allowed), else `~/.claude`. */
export function resolveClaudeDirs(flags: string[] | undefined, env: Env = process.env): string[] {
  if (flags && flags.length > 0) return flags.map((dir) => path.resolve(dir));
  const fromEnv = env.CLAUDE_CONFIG_DIR?.split(',').map((dir) => dir.trim()).filter(Boolean);
  if (fromEnv && fromEnv.length > 0) return fromEnv.map((dir) => path.resolve(dir));
  return [path.join(os.homedir(), '.claude')];
}

export function resolveConfig(options: CommonOptions, env: Env = process.env, requireClaudeDirs = true): Config {
  const claudeDirs = resolveClaudeDirs(options.claudeDir, env);
  if (requireClaudeDirs) {
    for (const dir of claudeDirs) {
      if (!isDirectory(dir)) throw new UsageError(`claude dir not found: ${dir} (pass --claude-dir or set CLAUDE_CONFIG_DIR)`);
    }
  }
  const dataDir = path.resolve(options.dataDir ?? env.CLAUDELENS_DATA_DIR ?? path.join(os.homedir(), '.claudelens'));
  const pricesFile = options.prices ?? env.CLAUDELENS_PRICES ?? null;
  if (pricesFile !== null && !fs.existsSync(pricesFile)) throw new UsageError(`price file not found: ${pricesFile}`);
  const databaseUrl = parseDatabaseUrl(options.databaseUrl ?? env.CLAUDELENS_DATABASE_URL);
  return { claudeDirs: [...new Set(claudeDirs)], dataDir, databaseUrl, pricesFile };
}

/** `--database-url`: a PostgreSQL URL, or nothing (an empty value too) for the SQLite store. */
export function parseDatabaseUrl(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  if (!/^postgres(ql)?:\/\//.test(value)) throw new UsageError(`--database-url must be a PostgreSQL URL such as postgres://user@host:5432/claudelens, got "${value.split('@').pop()}"`);
  return value;
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return port;
}

export function parseDate(value: string, flag: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} must be a date such as 2026-01-31, got "${value}"`);
  return new Date(ms).toISOString();
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 * 1024, mib: 1024 * 1024, g: 1024 ** 3, gib: 1024 ** 3 };

/** A size in bytes: a whole number, optionally with KiB or MiB (`8MiB`, `512k`). */
export function parseBytes(value: string, flag: string): number {
  const match = /^(\d+)\s*(k|kib|m|mib|g|gib)?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? Number.NaN) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${flag} must be a size such as 8388608, 512KiB or 8MiB, got "${value}"`);
  return bytes;
}
