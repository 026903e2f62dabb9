import type { LimitsObservation, UsageLimits } from '@claudelens/protocol';
import { currentBlock } from '../core/limits/blockEstimate.js';
import { limitWindows, windowsDiffer, type LimitWindows } from '../core/limits/limitsFromObservations.js';
import { periodStarts } from '../core/limits/periods.js';
import type { LiveReads } from '../store/readModel.js';
import type { LimitObservation, LimitsStore } from '../store/repository.js';
import type { EventBus } from './bus.js';
import { channels } from './channels.js';

const HOUR_MS = 3600_000;
/** The burn rate looks back at most this far (core/limits/limitWindow.ts): the history read on each call. */
const RECENT_MS = 6 * HOUR_MS;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** A report whose limits did not change is stored at most this often (per node): the history keeps every change, and a heartbeat. */
const KEEP_UNCHANGED_MS = 60_000;
/** Today's cost and the block estimate scan requests: computed at most this often, in the background. */
const SCAN_EVERY_MS = 5_000;

export interface LimitsServiceOptions {
  now?: () => number;
  /** Called with the windows after a report changed them (the budget monitor's plan-limit rules). */
  onChange?: (windows: LimitWindows) => void;
}

/**
 * Plan limits: status lines report them (POST /api/v1/usage/limits), the store keeps the history,
 * and every answer is computed from it now (pace and projection change with time alone). A report
 * that changes what a window shows goes out as `limits_update` on /ws/metrics-updates, through the
 * bus, so every node's clients get it.
 */
export class LimitsService {
  private readonly now: () => number;
  private lastStored: LimitObservation | undefined;
  /** The latest observations older than RECENT_MS, per window: a 7-day window seen once yesterday. */
  private older: { sinceMs: number; observations: LimitObservation[] } | undefined;
  private readonly today = new Background<number>();
  private readonly block = new Background<UsageLimits['estimate']>();

  constructor(
    private readonly store: LimitsStore & Pick<LiveReads, 'activitySince' | 'usageSince'>,
    private readonly bus: EventBus,
    private readonly options: LimitsServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async record(input: LimitsObservation): Promise<UsageLimits> {
    const now = this.now();
    const observation: LimitObservation = {
      observedAtMs: now,
      sessionId: input.session_id ?? null,
      sessionCost: input.session_cost_usd ?? null,
      fiveHour: report(input.rate_limits?.five_hour),
      sevenDay: report(input.rate_limits?.seven_day),
    };
    const before = await this.windows(now);
    const last = this.lastStored;
    const unchanged = last !== undefined && sameLimits(last, observation) && now - last.observedAtMs < KEEP_UNCHANGED_MS;
    if (!unchanged && (observation.fiveHour || observation.sevenDay || observation.sessionCost !== null)) {
      await this.store.recordLimitObservation(observation);
      this.lastStored = observation;
    }
    const after = unchanged ? before : await this.windows(now);
    if (windowsDiffer(before, after)) {
      this.bus.publish(channels.metrics, { type: 'limits_update', timestamp: new Date(now).toISOString(), data: after });
      this.options.onChange?.(after);
    }
    return this.answer(after, now);
  }

  async current(): Promise<UsageLimits> {
    const now = this.now();
    return this.answer(await this.windows(now), now);
  }

  private async answer(windows: LimitWindows, now: number): Promise<UsageLimits> {
    const [today, estimate] = await Promise.all([
      // Today's spending as the Live page's summary sums it (Store.usageSince), in the server's zone.
      this.today.get(now, async () => (await this.store.usageSince([new Date(periodStarts(now).day).toISOString()]))[0]?.cost ?? 0),
      this.block.get(now, async () => {
        const seconds = await this.store.activitySince(new Date(now - 24 * HOUR_MS).toISOString());
        return currentBlock(seconds.map((s) => ({ atMs: Date.parse(`${s.at}Z`), cost: s.cost, tokens: s.tokens })), now);
      }),
    ]);
    return { ...windows, estimate, today_cost_usd: Math.round(today * 1e6) / 1e6 };
  }

  /** The windows now, from the last RECENT_MS of history and, for a window not reported in it, the latest report before. */
  private async windows(now: number): Promise<LimitWindows> {
    const recent = await this.store.limitObservations(now - RECENT_MS);
    const has = (key: 'fiveHour' | 'sevenDay') => recent.some((o) => o[key] !== null);
    if (has('fiveHour') && has('sevenDay')) return limitWindows(recent, now);
    // Rare (no status line for hours), and the older history only grows by reports, which land in `recent`.
    if (!this.older || now - this.older.sinceMs > RECENT_MS) {
      const week = await this.store.limitObservations(now - WEEK_MS);
      this.older = { sinceMs: now, observations: week.filter((o) => o.observedAtMs < now - RECENT_MS) };
    }
    const older = this.older.observations.filter((o) => o.observedAtMs < now - RECENT_MS);
    return limitWindows([...older, ...recent], now);
  }
}

function report(window: { used_percentage: number; resets_at: number } | undefined): LimitObservation['fiveHour'] {
  return window ? { usedPercentage: window.used_percentage, resetsAtMs: window.resets_at * 1000 } : null;
}

function sameLimits(a: LimitObservation, b: LimitObservation): boolean {
  const same = (x: LimitObservation['fiveHour'], y: LimitObservation['fiveHour']) => x?.usedPercentage === y?.usedPercentage && x?.resetsAtMs === y?.resetsAtMs;
  return same(a.fiveHour, b.fiveHour) && same(a.sevenDay, b.sevenDay);
}

/**
 * A value recomputed at most every SCAN_EVERY_MS, in the background: the first call waits for
 * it, later ones get the last value at once (a status line must not wait for a scan of requests).
 */
class Background<T> {
  private value: { at: number; value: T } | undefined;
  private running: Promise<T> | undefined;

  async get(now: number, compute: () => Promise<T>): Promise<T> {
    if (this.value && now - this.value.at < SCAN_EVERY_MS) return this.value.value;
    const run = (this.running ??= compute()
      .then((value) => {
        this.value = { at: now, value };
        return value;
      })
      .finally(() => (this.running = undefined)));
    if (this.value) {
      run.catch(() => {}); // the last value stands; the next call tries again
      return this.value.value;
    }
    return run;
  }
}
