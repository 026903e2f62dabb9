// The stat texts (whole numbers with separators, compact tokens "45K", cost "$0.45") are the
// protocol's, so a number animating towards a new value reads like the `formatted_value` it lands on.
import { formatCost } from '@claudelens/protocol';

export { formatCost, formatCount, formatStat, formatTokens } from '@claudelens/protocol';

/** A small amount keeps a little more precision: a feed line costs fractions of a cent. */
export function formatSmallCost(dollars: number): string {
  if (dollars === 0) return '$0';
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : formatCost(dollars);
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
