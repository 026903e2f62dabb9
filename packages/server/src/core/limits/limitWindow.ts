import type { LimitName, LimitWindow } from '@claudelens/protocol';

export const WINDOW_MS: Record<LimitName, number> = {
  five_hour: 5 * 3600_000,
  seven_day: 7 * 24 * 3600_000,
};

/** How far back the burn rate looks: long enough to smooth a status line's steps, short enough to follow a change of pace. */
const LOOKBACK_MS: Record<LimitName, number> = {
  five_hour: 30 * 60_000,
  seven_day: 6 * 3600_000,
};

/** One reading of a window (what a status line reported, when). */
export interface LimitReading {
  observedAtMs: number;
  usedPercentage: number;
  resetsAtMs: number;
}

/**
 * Claude Code's `resets_at` for one window can move by a second between readings; readings this
 * close are the same window.
 */
const SAME_WINDOW_MS = 60_000;

/**
 * A window's state now from its readings (oldest first): the latest reading, its pace and when
 * it reaches 100% at the current burn rate. Null when there is no reading of a window that has
 * not reset yet: after the reset, usage starts again from zero and nothing is known of it.
 */
export function limitWindow(name: LimitName, readings: readonly LimitReading[], nowMs: number): LimitWindow | null {
  const latest = readings.at(-1);
  if (!latest || latest.resetsAtMs <= nowMs) return null;
  const windowMs = WINDOW_MS[name];
  const current = readings.filter((r) => Math.abs(r.resetsAtMs - latest.resetsAtMs) <= SAME_WINDOW_MS);
  const rate = burnRatePerMs(current, latest, windowMs, LOOKBACK_MS[name], nowMs);
  const projected = rate > 0 ? latest.observedAtMs + Math.max(0, 100 - latest.usedPercentage) / rate : null;
  return {
    used_percentage: latest.usedPercentage,
    resets_at: new Date(latest.resetsAtMs).toISOString(),
    observed_at: new Date(latest.observedAtMs).toISOString(),
    window_seconds: windowMs / 1000,
    pace: pace(latest.usedPercentage, latest.resetsAtMs, windowMs, nowMs),
    projected_full_at: projected === null ? null : new Date(Math.round(projected)).toISOString(),
    full_before_reset: projected !== null && projected < latest.resetsAtMs,
    burn_rate_per_hour: round(rate * 3600_000, 4),
  };
}

/** Used share against elapsed share of a window that resets at `resetsAtMs`. */
export function pace(usedPercentage: number, resetsAtMs: number, windowMs: number, nowMs: number): LimitWindow['pace'] {
  const elapsed = clamp((nowMs - (resetsAtMs - windowMs)) / windowMs, 0, 1);
  const used = Math.max(0, usedPercentage) / 100;
  return {
    state: used > elapsed ? 'ahead' : 'behind',
    used_share: round(used, 4),
    elapsed_share: round(elapsed, 4),
    ratio: elapsed > 0 ? round(used / elapsed, 4) : null,
  };
}

/**
 * Percent per millisecond. From the readings of the last `lookbackMs` when usage rose in them
 * (the current burn); else the window's average since it began (usage / elapsed), which is what
 * a single reading can tell.
 */
function burnRatePerMs(current: readonly LimitReading[], latest: LimitReading, windowMs: number, lookbackMs: number, nowMs: number): number {
  const from = latest.observedAtMs - lookbackMs;
  const first = current.find((r) => r.observedAtMs >= from);
  if (first && latest.observedAtMs - first.observedAtMs >= 60_000 && latest.usedPercentage > first.usedPercentage) {
    return (latest.usedPercentage - first.usedPercentage) / (Math.max(nowMs, latest.observedAtMs) - first.observedAtMs);
  }
  const elapsed = Math.min(windowMs, latest.observedAtMs - (latest.resetsAtMs - windowMs));
  return elapsed > 0 && latest.usedPercentage > 0 ? latest.usedPercentage / elapsed : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
