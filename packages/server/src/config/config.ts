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

/**
 * A variable set to nothing is unset, for every command (deployment files often leave them
 * empty). Called before the command line is parsed: the options read the environment then
 * (commander's `.env()`), and an empty `CLAUDELENS_MAX_DB_SIZE` must mean no limit, not a bad size.
 */
export function unsetEmptyVariables(env: Env): void {
  for (const name of Object.keys(env)) if (name.startsWith('CLAUDELENS_') && env[name]?.trim() === '') delete env[name];
}

/** Claude Code's own rule: `CLAUDE_CONFIG_DIR` (comma-separated allowed), else `~/.claude`. */
export function resolveClaudeDirs(flags: string[] | undefined, env: Env = process.env): string[] {
  if (flags && flags.length > 0) return flags.map((dir) => path.resolve(dir));
  const fromEnv = env.CLAUDE_CONFIG_DIR?.split(',').map((dir) => dir.trim()).filter(Boolean);
  if (fromEnv && fromEnv.length > 0) return fromEnv.map((dir) => path.resolve(dir));
  return [path.join(os.homedir(), '.claude')];
}

/**
 * The config of a command from its parsed options. Each option reads its environment variable
 * itself (commander's `.env()`, `cli/options.ts`); only `CLAUDE_CONFIG_DIR` is read here, as
 * Claude Code reads it (a comma-separated list), which a flag that repeats cannot express.
 */
export function resolveConfig(options: CommonOptions, env: Env = process.env, requireClaudeDirs = true): Config {
  const claudeDirs = resolveClaudeDirs(options.claudeDir, env);
  if (requireClaudeDirs) {
    for (const dir of claudeDirs) {
      if (!isDirectory(dir)) throw new UsageError(`claude dir not found: ${dir} (pass --claude-dir or set CLAUDE_CONFIG_DIR)`);
    }
  }
  const dataDir = path.resolve(options.dataDir ?? path.join(os.homedir(), '.claudelens'));
  const pricesFile = options.prices ?? null;
  if (pricesFile !== null && !fs.existsSync(pricesFile)) throw new UsageError(`price file not found: ${pricesFile}`);
  const databaseUrl = parseDatabaseUrl(options.databaseUrl);
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
