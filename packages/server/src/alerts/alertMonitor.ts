import type { Alert } from '@claudelens/protocol';
import { AlertEngine, type SessionView } from '../core/alerts/alertEngine.js';
import { AlertLog } from '../core/alerts/alertLog.js';
import type { AlertRules } from '../core/alerts/alertRules.js';
import type { LiveEvent } from '../core/live/liveState.js';

export interface MonitorLogger {
  error(details: object, message: string): void;
}

export interface AlertMonitorOptions {
  rules: AlertRules;
  /** The live sessions (LiveState); `get` spares the evaluation after a batch a walk over all of them. */
  sessions: { all(): Iterable<SessionView>; get?(sessionId: string): SessionView | undefined };
  /** Called with each alert that fires: publish it, send it to webhooks. */
  onAlert: (alert: Alert) => void;
  now?: () => number;
  /** Time-driven rules (rates decaying, stuck sessions) are evaluated this often. */
  evaluateEveryMs?: number;
  /** Alerts kept for GET /api/v1/alerts. */
  keep?: number;
  /** The log to keep them in (default: its own, of `keep` alerts); given, whoever sends the alerts can take one back. */
  log?: AlertLog;
  logger?: MonitorLogger;
}

/**
 * Runs the pure alert rules against the live engine: its events go in as they are published,
 * evaluation happens right after each batch (on a microtask, so an alert follows the events
 * that caused it on the activity stream) and on a timer. Keeps the recent alerts. Nothing here
 * may throw into the ingest path: a failing rule is logged, never propagated.
 */
export class AlertMonitor {
  readonly log: AlertLog;
  fired = 0;
  private readonly engine: AlertEngine;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;

  constructor(private readonly options: AlertMonitorOptions) {
    this.engine = new AlertEngine(options.rules, options.now ?? Date.now);
    this.log = options.log ?? new AlertLog(options.keep ?? 500);
  }

  onEvents(events: LiveEvent[]): void {
    this.guard(() => this.engine.observe(events));
    this.schedule();
  }

  onParseErrors(count: number): void {
    if (count <= 0) return;
    this.guard(() => this.engine.observeParseErrors(count));
    this.schedule();
  }

  /** Every session (the timer). */
  evaluate(): void {
    this.fire(() => this.engine.evaluate(this.options.sessions.all()));
  }

  /**
   * After a batch: the global rules and the sessions the batch touched, not every live session
   * (O(sessions) per committed batch was most of the server's CPU under load). Rules that
   * time alone changes are the timer's.
   */
  private evaluateTouched(): void {
    const only = new Set(this.engine.changedSessions);
    const { sessions } = this.options;
    const get = sessions.get?.bind(sessions);
    this.fire(() => this.engine.evaluate(get ? [...only].map(get).filter((s) => s !== undefined) : sessions.all(), only));
  }

  private fire(evaluate: () => Alert[]): void {
    this.guard(() => {
      for (const alert of evaluate()) {
        this.log.add(alert);
        this.fired++;
        this.guard(() => this.options.onAlert(alert));
      }
    });
  }

  start(): void {
    this.timer = setInterval(() => this.evaluate(), this.options.evaluateEveryMs ?? 1000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.evaluateTouched();
    });
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.options.logger?.error({ err: error }, 'alert rules failed');
    }
  }
}
