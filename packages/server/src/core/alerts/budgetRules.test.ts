import { describe, expect, it } from 'vitest';
import type { LimitWindow } from '@claudelens/protocol';
import { BudgetAlerts, type BudgetRules, type PeriodSpend, type PlanLimitRules } from './budgetRules.js';

const DAY = Date.UTC(2026, 0, 15);
const NOW = DAY + 15 * 3600_000;
const rules = (over: Partial<BudgetRules> = {}): BudgetRules => ({ enabled: true, daily: 10, projects: {}, thresholds: [50, 80, 95], cooldownSeconds: 3600, ...over });
const limitRules: PlanLimitRules = { enabled: true, thresholds: [50, 80, 95], cooldownSeconds: 3600 };
const day = (total: number, byProject: Record<string, number> = {}, startMs = DAY): PeriodSpend => ({ period: 'day', startMs, total, byProject: new Map(Object.entries(byProject)) });

describe('budget alerts', () => {
  it('fires each threshold once per period, the highest crossed when several are at once', () => {
    const engine = new BudgetAlerts(rules(), limitRules);
    expect(engine.evaluateBudgets([day(4)], NOW)).toEqual([]);
    const first = engine.evaluateBudgets([day(5.5)], NOW + 1000);
    expect(first).toMatchObject([{ rule: 'budget', severity: 'info', threshold: 50, value: 55, project: null, message: 'Spent $5.50 of the $10.00 daily budget (55%, threshold 50%)' }]);
    expect(first[0]?.id).toBe(`budget:global:day:${DAY}:50:${NOW + 1000}`);
    expect(engine.evaluateBudgets([day(6)], NOW + 2000)).toEqual([]);
    // From 60% to 97%: 95 fires, 80 is spent with it.
    expect(engine.evaluateBudgets([day(9.7)], NOW + 3000).map((a) => [a.threshold, a.severity])).toEqual([[95, 'critical']]);
    expect(engine.evaluateBudgets([day(12)], NOW + 4000)).toEqual([]);
    // The next day is a new period.
    expect(engine.evaluateBudgets([day(8.5, {}, DAY + 86_400_000)], NOW + 86_400_000).map((a) => a.threshold)).toEqual([80]);
  });

  it('checks a project against its own budget, and periods without a budget not at all', () => {
    const engine = new BudgetAlerts(rules({ daily: undefined, weekly: 100, projects: { '/work/app': { daily: 2 } } }), limitRules);
    const spend = [day(3, { '/work/app': 1.7, '/work/other': 1.3 }), { ...day(3), period: 'week' as const }];
    expect(engine.evaluateBudgets(spend, NOW)).toMatchObject([{ project: '/work/app', threshold: 80, message: 'Spent $1.70 of the $2.00 daily budget of /work/app (85%, threshold 80%)' }]);
  });

  it('stays quiet when disabled', () => {
    expect(new BudgetAlerts(rules({ enabled: false }), limitRules).evaluateBudgets([day(20)], NOW)).toEqual([]);
  });
});

describe('plan limit alerts', () => {
  const resets = new Date(NOW + 2 * 3600_000).toISOString();
  const window = (used: number, resetsAt = resets): LimitWindow => ({
    used_percentage: used,
    resets_at: resetsAt,
    observed_at: new Date(NOW).toISOString(),
    window_seconds: 18000,
    pace: { state: 'ahead', used_share: used / 100, elapsed_share: 0.6, ratio: used / 60 },
    projected_full_at: new Date(NOW + 3600_000).toISOString(),
    full_before_reset: true,
    burn_rate_per_hour: 20,
  });

  it('fires at each share of a window once, and again once a new window crosses it after the cooldown', () => {
    const engine = new BudgetAlerts(rules(), limitRules);
    expect(engine.evaluateLimits({ five_hour: window(30), seven_day: null }, NOW)).toEqual([]);
    const fired = engine.evaluateLimits({ five_hour: window(82), seven_day: window(51) }, NOW + 1000);
    expect(fired.map((a) => [a.rule, a.threshold, a.value])).toEqual([
      ['plan_limit', 80, 82],
      ['plan_limit', 50, 51],
    ]);
    expect(fired[0]?.message).toBe(`5-hour plan limit at 82% (threshold 80%), resets ${resets}; at this pace full at ${new Date(NOW + 3600_000).toISOString()}`);
    expect(engine.evaluateLimits({ five_hour: window(84), seven_day: window(52) }, NOW + 2000)).toEqual([]);
    // The window resets: usage starts low again, and past the cooldown the share fires again.
    const next = new Date(NOW + 7 * 3600_000).toISOString();
    expect(engine.evaluateLimits({ five_hour: window(5, next), seven_day: window(52) }, NOW + 2 * 3600_000)).toEqual([]);
    expect(engine.evaluateLimits({ five_hour: window(55, next), seven_day: window(52) }, NOW + 2 * 3600_000 + 1000).map((a) => a.threshold)).toEqual([50]);
  });
});
