import type { Alert, LimitName } from '@claudelens/protocol';
import type { LimitWindows } from '../limits/limitsFromObservations.js';
import type { PeriodName } from '../limits/periods.js';
import { AlertLatch } from './alertLatch.js';

/** Dollars per period (config/alertsConfig.ts's `budgets`); a period left out has no budget. */
export interface BudgetAmounts {
  daily?: number;
  weekly?: number;
  monthly?: number;
}

export interface BudgetRules extends BudgetAmounts {
  enabled: boolean;
  /** By project path. */
  projects: Record<string, BudgetAmounts>;
  /** Percent of a budget at which it alerts. */
  thresholds: number[];
  cooldownSeconds: number;
}

export interface PlanLimitRules {
  enabled: boolean;
  /** Percent of a window's limit at which it alerts. */
  thresholds: number[];
  cooldownSeconds: number;
}

/** What was spent in the period that began at `startMs`, in all and per project. */
export interface PeriodSpend {
  period: PeriodName;
  startMs: number;
  total: number;
  byProject: ReadonlyMap<string, number>;
}

const AMOUNT: Record<PeriodName, keyof BudgetAmounts> = { day: 'daily', week: 'weekly', month: 'monthly' };
const LIMIT_LABEL: Record<LimitName, string> = { five_hour: '5-hour', seven_day: '7-day' };

interface Condition {
  /** One budget in one period, or one limit window: of its keys, only the highest threshold fires at once. */
  group: string;
  threshold: number;
  alert: (id: string, nowMs: number) => Alert;
}

/**
 * Budget and plan-limit rules. Pure: fed spending per period and the plan's windows, with the
 * time, it answers with the alerts that fire now. Each threshold of each budget in each period,
 * and of each limit window, is a condition of its own, fired once through
 * AlertLatch; when several are crossed at once (a jump from 40% to 96%) only the highest alerts,
 * and the lower ones are spent with it.
 */
export class BudgetAlerts {
  private readonly budgetLatch = new AlertLatch();
  private readonly limitLatch = new AlertLatch();

  constructor(
    private readonly budgets: BudgetRules,
    private readonly limits: PlanLimitRules,
  ) {}

  evaluateBudgets(spends: readonly PeriodSpend[], nowMs: number): Alert[] {
    const conditions = new Map<string, Condition>();
    if (this.budgets.enabled) {
      for (const spend of spends) {
        this.budgetConditions(conditions, spend, null, this.budgets, spend.total);
        for (const [project, amounts] of Object.entries(this.budgets.projects)) {
          this.budgetConditions(conditions, spend, project, amounts, spend.byProject.get(project) ?? 0);
        }
      }
    }
    return fire(this.budgetLatch, conditions, this.budgets.cooldownSeconds, nowMs);
  }

  evaluateLimits(windows: LimitWindows, nowMs: number): Alert[] {
    const conditions = new Map<string, Condition>();
    if (this.limits.enabled) {
      for (const name of ['five_hour', 'seven_day'] as const) {
        const window = windows[name];
        if (!window) continue;
        const used = window.used_percentage;
        for (const threshold of this.limits.thresholds) {
          if (used < threshold) continue;
          // Not keyed by the reset time, which moves by a second between reports: a new window starts
          // low, which clears the condition, and fires again once the cooldown has passed.
          const key = `plan_limit:${name}:${threshold}`;
          const full = window.full_before_reset && window.projected_full_at ? `; at this pace full at ${window.projected_full_at}` : '';
          conditions.set(key, {
            group: name,
            threshold,
            alert: (id, now) => ({
              ...base(id, now, 'plan_limit', threshold),
              message: `${LIMIT_LABEL[name]} plan limit at ${round(used, 1)}% (threshold ${threshold}%), resets ${window.resets_at}${full}`,
              value: used,
            }),
          });
        }
      }
    }
    return fire(this.limitLatch, conditions, this.limits.cooldownSeconds, nowMs);
  }

  private budgetConditions(conditions: Map<string, Condition>, spend: PeriodSpend, project: string | null, amounts: BudgetAmounts, spent: number): void {
    const budget = amounts[AMOUNT[spend.period]];
    if (budget === undefined) return;
    const share = (spent / budget) * 100;
    const scope = project ?? 'global';
    for (const threshold of this.budgets.thresholds) {
      if (round(share, 6) < threshold) continue;
      conditions.set(`budget:${scope}:${spend.period}:${spend.startMs}:${threshold}`, {
        group: `${scope}:${spend.period}`,
        threshold,
        alert: (id, now) => ({
          ...base(id, now, 'budget', threshold),
          message: `Spent $${spent.toFixed(2)} of the $${budget.toFixed(2)} ${AMOUNT[spend.period]} budget${project ? ` of ${project}` : ''} (${Math.floor(share)}%, threshold ${threshold}%)`,
          project,
          value: round(share, 4),
        }),
      });
    }
  }
}

function fire(latch: AlertLatch, conditions: Map<string, Condition>, cooldownSeconds: number, nowMs: number): Alert[] {
  const fired = latch.update(new Map([...conditions.keys()].map((key) => [key, cooldownSeconds * 1000])), nowMs);
  const highest = new Map<string, [string, Condition]>();
  for (const key of fired) {
    const condition = conditions.get(key) as Condition;
    const top = highest.get(condition.group);
    if (!top || top[1].threshold < condition.threshold) highest.set(condition.group, [key, condition]);
  }
  return [...highest.values()].map(([key, condition]) => condition.alert(`${key}:${nowMs}`, nowMs));
}

function base(id: string, nowMs: number, rule: string, threshold: number): Alert {
  return {
    id,
    rule,
    severity: threshold >= 95 ? 'critical' : threshold >= 80 ? 'warning' : 'info',
    message: '',
    session_id: null,
    project: null,
    value: 0,
    threshold,
    triggered_at: new Date(nowMs).toISOString(),
    acknowledged: false,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
