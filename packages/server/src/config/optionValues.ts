import { UsageError } from './config.js';

// Every flag's value, and the environment variable that stands for it, is checked here: one
// sentence per kind of mistake, the same in every command (`--limit abc` is refused, not 0).

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

/** A count of things, 1 or more (`--max-connections`, `--max-live-sessions`). */
export function parseCount(value: string, flag: string): number {
  return parseInteger(value, flag, { min: 1 });
}

/** A number above 0, fractions allowed (`--speed 0.5`). */
export function parsePositive(value: string, flag: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number above 0, got "${value}"`);
  return n;
}

/** A duration in seconds above 0, fractions allowed (`--request-timeout`, `--lease-ttl`, `--retry-max`). */
export function parseSeconds(value: string, flag: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number of seconds above 0, got "${value}"`);
  return n;
}

/** `--redis-url`: redis:// or rediss://, or nothing (an empty value too) for a single node. */
export function parseRedisUrl(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^rediss?:\/\//.test(value)) throw new UsageError(`--redis-url must start with redis:// or rediss://, got ${value}`);
  return value;
}

/** `ship --server`: an http or https URL. */
export function parseServerUrl(value: string | undefined): URL {
  if (!value) throw new UsageError('ship needs --server URL (or CLAUDELENS_SERVER)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--server must be a URL such as http://team-host:4280, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be an http or https URL, got "${value}"`);
  return url;
}
