import { classifyStoreError, type FaultObserver } from './storeFaults.js';

export type StoreState =
  | { status: 'ok' }
  /** Writes fail for a reason that can pass (disk full): ingest waits and tries again. */
  | { status: 'degraded'; reason: string; since: string; failures: number }
  /** The store cannot be trusted any more: the server stops. */
  | { status: 'failed'; reason: string; since: string };

export interface HealthLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface StoreHealthOptions {
  log?: HealthLog;
  /** Called once, with the reason, when the store failed for good. */
  onFatal?: (reason: string) => void;
  /** While degraded, one warning per this many ms, with how many failures it stands for. */
  warnEveryMs?: number;
  now?: () => number;
}

export const WARN_EVERY_MS = 30_000;

/**
 * The store's health as /healthz reports it, from the errors and commits watchStoreFaults sees.
 * A disk-full failure repeats on every read of every file until space returns (900 warnings in
 * 15 s before this): it is logged once, then once per `warnEveryMs` with the count since.
 */
export class StoreHealth implements FaultObserver {
  private current: StoreState = { status: 'ok' };
  private lastWarn = -Infinity;
  private suppressed = 0;
  private readonly log?: HealthLog;
  private readonly onFatal?: (reason: string) => void;
  private readonly warnEveryMs: number;
  private readonly now: () => number;

  constructor(options: StoreHealthOptions = {}) {
    this.log = options.log;
    this.onFatal = options.onFatal;
    this.warnEveryMs = options.warnEveryMs ?? WARN_EVERY_MS;
    this.now = options.now ?? Date.now;
  }

  state(): StoreState {
    return this.current;
  }

  failed(error: unknown): void {
    const fault = classifyStoreError(error);
    if (!fault || this.current.status === 'failed') return;
    if (fault.kind === 'fatal') return this.fail(fault.reason);
    const now = this.now();
    if (this.current.status === 'ok') this.current = { status: 'degraded', reason: fault.reason, since: new Date(now).toISOString(), failures: 0 };
    this.current.failures++;
    this.current.reason = fault.reason;
    if (now - this.lastWarn < this.warnEveryMs) {
      this.suppressed++;
      return;
    }
    const since = this.current.failures > 1 ? ` (${this.suppressed} more failures since the last warning)` : '';
    this.log?.warn({ reason: fault.reason, failures: this.current.failures, suppressed: this.suppressed }, `store degraded: ${fault.reason}; ingest waits and retries${since}`);
    this.lastWarn = now;
    this.suppressed = 0;
  }

  /** The store failed for good (or the server could not start): reported once. */
  fail(reason: string): void {
    if (this.current.status === 'failed') return;
    this.current = { status: 'failed', reason, since: new Date(this.now()).toISOString() };
    this.onFatal?.(reason);
  }

  wrote(): void {
    if (this.current.status !== 'degraded') return;
    const { failures, since } = this.current;
    this.current = { status: 'ok' };
    this.lastWarn = -Infinity;
    this.suppressed = 0;
    this.log?.info({ failures, since }, `store recovered: writes go through again after ${failures} failures`);
  }
}
