import type { Alert } from '@claudelens/protocol';
import { BudgetAlerts, type BudgetRules, type PeriodSpend, type PlanLimitRules } from '../core/alerts/budgetRules.js';
import type { LimitWindows } from '../core/limits/limitsFromObservations.js';
import { periodStarts, type PeriodName } from '../core/limits/periods.js';
import type { LimitsStore } from '../store/repository.js';
import type { MonitorLogger } from './alertMonitor.js';

export interface BudgetMonitorOptions {
  store: Pick<LimitsStore, 'spendByProject'>;
  budgets: BudgetRules & { checkEverySeconds: number };
  planLimits: PlanLimitRules;
  /** Called with each alert that fires: publish it, send it to webhooks. */
  onAlert: (alert: Alert) => void;
  now?: () => number;
  logger?: MonitorLogger;
}

/**
 * Runs the pure budget and plan-limit rules (core/alerts/budgetRules.ts): spending is read from
 * the store on a timer (a query per period: budgets are about days, not seconds); plan limits are
 * checked whenever a status line changed them. Failures are logged, never thrown.
 */
export class BudgetMonitor {
  private readonly rules: BudgetAlerts;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly options: BudgetMonitorOptions) {
    this.rules = new BudgetAlerts(options.budgets, options.planLimits);
    this.now = options.now ?? Date.now;
  }

  /** Spending against the budgets now; resolves when done (one check at a time). */
  check(): Promise<void> {
    this.checking ??= this.checkSpend()
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'budget check failed'))
      .finally(() => (this.checking = null));
    return this.checking;
  }

  onLimits(windows: LimitWindows): void {
    try {
      this.emit(this.rules.evaluateLimits(windows, this.now()));
    } catch (error) {
      this.options.logger?.error({ err: error }, 'plan limit rules failed');
    }
  }

  start(): void {
    if (!this.hasBudgets()) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.budgets.checkEverySeconds * 1000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private hasBudgets(): boolean {
    const { budgets } = this.options;
    const any = (a: { daily?: number; weekly?: number; monthly?: number }) => a.daily !== undefined || a.weekly !== undefined || a.monthly !== undefined;
    return budgets.enabled && (any(budgets) || Object.values(budgets.projects).some(any));
  }

  private async checkSpend(): Promise<void> {
    const now = this.now();
    const starts = periodStarts(now);
    const spends = await Promise.all(
      (Object.keys(starts) as PeriodName[]).map(async (period): Promise<PeriodSpend> => {
        const rows = await this.options.store.spendByProject(new Date(starts[period]).toISOString());
        const byProject = new Map<string, number>();
        let total = 0;
        for (const row of rows) {
          total += row.cost;
          if (row.project !== null) byProject.set(row.project, row.cost);
        }
        return { period, startMs: starts[period], total, byProject };
      }),
    );
    this.emit(this.rules.evaluateBudgets(spends, this.now()));
  }

  private emit(alerts: Alert[]): void {
    for (const alert of alerts) {
      try {
        this.options.onAlert(alert);
      } catch (error) {
        this.options.logger?.error({ err: error }, 'alert delivery failed');
      }
    }
  }
}
