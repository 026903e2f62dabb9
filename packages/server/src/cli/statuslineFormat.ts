import type { LimitWindow, UsageLimits } from '@claudelens/protocol';

/** Claude Code's status-line object, as far as the line uses it; any field may be missing or odd. */
export interface StatuslineInput {
  session_id?: unknown;
  model?: { display_name?: unknown; id?: unknown };
  cost?: { total_cost_usd?: unknown };
  context_window?: {
    used_percentage?: unknown;
    context_window_size?: unknown;
    current_usage?: { input_tokens?: unknown; cache_creation_input_tokens?: unknown; cache_read_input_tokens?: unknown } | null;
  };
  rate_limits?: Partial<Record<'five_hour' | 'seven_day', { used_percentage?: unknown; resets_at?: unknown }>>;
}

/** What the line reads of the server's answer (UsageLimits); a type only, so nothing is loaded for it. */
export type ServerLimits = Partial<Pick<UsageLimits, 'five_hour' | 'seven_day' | 'today_cost_usd'>>;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * One line: model · session cost · today's cost · 5h and 7d usage with their reset times (local)
 * and, when the server projects the limit reached before the reset, when · context use. Parts
 * with nothing to show are left out.
 */
export function formatStatusline(input: StatuslineInput, server: ServerLimits | null, nowMs: number, { color }: { color: boolean }): string {
  const parts: string[] = [];
  const model = typeof input.model?.display_name === 'string' ? input.model.display_name : typeof input.model?.id === 'string' ? input.model.id : null;
  if (model) parts.push(model);
  const sessionCost = num(input.cost?.total_cost_usd);
  if (sessionCost !== null) parts.push(`${dollars(sessionCost)} session`);
  const today = num(server?.today_cost_usd);
  if (today !== null) parts.push(`${dollars(today)} today`);
  for (const [name, label] of [['five_hour', '5h'], ['seven_day', '7d']] as const) {
    const part = limitPart(label, input.rate_limits?.[name], server?.[name] ?? null, nowMs, name === 'seven_day', color);
    if (part) parts.push(part);
  }
  const context = contextPercent(input.context_window);
  if (context !== null) parts.push(`ctx ${Math.round(context)}%`);
  return parts.length > 0 ? parts.join(' · ') : 'ClaudeLens';
}

function limitPart(label: string, fromInput: { used_percentage?: unknown; resets_at?: unknown } | undefined, fromServer: LimitWindow | null, nowMs: number, weekly: boolean, color: boolean): string | null {
  let used = num(fromInput?.used_percentage);
  let resetsMs = num(fromInput?.resets_at);
  resetsMs = resetsMs === null ? null : resetsMs * 1000;
  if (used === null && fromServer) {
    // Not in this session's input (an API-key session): the last one another session reported.
    used = fromServer.used_percentage;
    resetsMs = Date.parse(fromServer.resets_at);
  }
  if (used === null) return null;
  let text = `${label} ${Math.round(used)}%`;
  if (color) text = `${used >= 80 ? '\x1b[31m' : used >= 50 ? '\x1b[33m' : '\x1b[32m'}${text}\x1b[0m`;
  if (resetsMs !== null && resetsMs > nowMs) text += ` ↻${clock(resetsMs, weekly)}`;
  if (fromServer?.full_before_reset && fromServer.projected_full_at) text += ` (full ${clock(Date.parse(fromServer.projected_full_at), weekly)})`;
  return text;
}

function contextPercent(context: StatuslineInput['context_window']): number | null {
  const given = num(context?.used_percentage);
  if (given !== null) return given;
  const size = num(context?.context_window_size);
  const usage = context?.current_usage;
  if (!size || !usage) return null;
  const used = (num(usage.input_tokens) ?? 0) + (num(usage.cache_creation_input_tokens) ?? 0) + (num(usage.cache_read_input_tokens) ?? 0);
  return (used / size) * 100;
}

function clock(ms: number, withDay: boolean): string {
  const d = new Date(ms);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return withDay ? `${DAYS[d.getDay()]} ${hm}` : hm;
}

function dollars(value: number): string {
  return `$${value.toFixed(2)}`;
}
