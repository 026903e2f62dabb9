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
  return parseInteger(value, '--port', { min: 0, max: 65535 });
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

/**
 * Every whole-number option goes through here, so that `--limit abc` or `--limit -1` is refused
 * with the same words everywhere instead of quietly becoming 0 or the default.
 */
export function parseInteger(value: string, flag: string, range: { min?: number; max?: number } = {}): number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${bounds}, got "${value}"`);
  }
  return n;
}

/** An IANA time zone name Intl knows (`UTC`, `Europe/Paris`); the system's when absent. */
export function parseTimeZone(value: string | undefined, flag = '--timezone'): string {
  if (value === undefined) return Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(`${flag} must be a time zone such as UTC or America/New_York, got "${value}"`);
  }
}

/** A calendar date as ccusage takes it, `YYYY-MM-DD` or `YYYYMMDD`, returned as `YYYY-MM-DD`. */
export function parseCalendarDate(value: string, flag: string): string {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value.trim());
  const date = match ? `${match[1]}-${match[2]}-${match[3]}` : '';
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new UsageError(`${flag} must be a date as YYYY-MM-DD or YYYYMMDD, got "${value}"`);
  }
  return date;
}

const WRITE_FAILURES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a file is in the way, not a folder',
};

/**
 * import and serve write the SQLite store into the data dir: refused up front, naming the path
 * and the reason, rather than failing deep inside the database driver.
 */
export function assertWritableDataDir(dataDir: string): void {
  let probe = dataDir;
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  const targets = [probe, path.join(dataDir, 'claudelens.db')].filter((p) => fs.existsSync(p));
  for (const target of targets) {
    try {
      if (target === probe && !fs.statSync(target).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      throw new UsageError(`cannot write to the data dir ${target}: ${WRITE_FAILURES[code] ?? (error as Error).message} (pass --data-dir or set CLAUDELENS_DATA_DIR to a folder you can write)`);
    }
  }
}
