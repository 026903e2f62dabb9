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
  prices?: string;
}

export interface Config {
  claudeDirs: string[];
  dataDir: string;
  /** A user's price file merged over the built-in table. */
  pricesFile: string | null;
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
  return { claudeDirs: [...new Set(claudeDirs)], dataDir, pricesFile };
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
