import type { StatType } from '@claudelens/protocol';

// Display formats. The stat texts mirror the server's `formatted_value` (docs/api.md: whole
// numbers with separators, compact tokens "45K", "33.6K", cost "$0.45", whole dollars from
// $100) so that a number animating towards a new value reads like the value it lands on.

// One formatter, made once: Number#toLocaleString builds a new one on every call, which showed
// in profiles with hundreds of cards updating.
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return WHOLE.format(Math.round(n));
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  for (const [size, suffix] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (n >= size) {
      const scaled = n / size;
      return `${scaled >= 100 ? Math.round(scaled) : Number(scaled.toFixed(1))}${suffix}`;
    }
  }
  return String(n);
}

export function formatCost(dollars: number): string {
  return dollars >= 100 ? `$${WHOLE.format(Math.round(dollars))}` : `$${dollars.toFixed(2)}`;
}

/** A small amount keeps a little more precision: a feed line costs fractions of a cent. */
export function formatSmallCost(dollars: number): string {
  if (dollars === 0) return '$0';
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : formatCost(dollars);
}

export function formatStat(type: StatType, value: number): string {
  if (type === 'tokens') return formatTokens(value);
  if (type === 'cost') return formatCost(value);
  return formatCount(value);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** HH:MM:SS, local time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** HH:MM, local time. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Date and time, local. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "12s ago", "4m ago", "3h ago", "2d ago". */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** Within the hour, how long ago ("12s ago", "4m ago"); older, the local date and time. */
export function formatWhen(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return '—';
  const ago = nowMs - Date.parse(iso);
  return ago < 3600_000 ? formatAgo(iso, nowMs) : formatDateTime(iso);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** The last folder of a project path ("/home/dev/shop-api" -> "shop-api"). */
export function projectName(path: string | null | undefined): string {
  if (!path) return '(no project)';
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? path;
}
