import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLiveConfig } from './liveConfig.js';

function load(json: unknown) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-config-')), 'serve.json');
  fs.writeFileSync(file, JSON.stringify(json));
  return loadLiveConfig(file);
}

describe('alerts and webhooks config', () => {
  it('has the defaults docs/alerts.md lists', () => {
    const { alerts, webhooks } = loadLiveConfig(null);
    const on = (threshold: number, cooldownSeconds: number) => ({ enabled: true, threshold, cooldownSeconds });
    expect(alerts).toEqual({
      costRate: { ...on(25, 1800), windowMinutes: 15 },
      sessionCostRate: { ...on(10, 1800), windowMinutes: 15 },
      sessionCost: on(20, 3600),
      toolCallRate: on(40, 600),
      toolFailureStreak: on(5, 600),
      toolErrorSpike: { ...on(10, 900), windowMinutes: 5, minErrorRatio: 0.5 },
      stuckThinking: on(10, 1800),
      parseErrors: { ...on(1, 3600), windowMinutes: 10 },
    });
    expect(webhooks).toEqual([]);
  });

  it('overrides one field and keeps the other defaults', () => {
    const config = load({ alerts: { sessionCost: { threshold: 5 }, parseErrors: { enabled: false } }, webhooks: [{ url: 'https://hooks.example.com/x' }] });
    expect(config.alerts.sessionCost).toEqual({ enabled: true, threshold: 5, cooldownSeconds: 3600 });
    expect(config.alerts.parseErrors.enabled).toBe(false);
    expect(config.alerts.costRate.threshold).toBe(25);
    expect(config.webhooks).toEqual([{ url: 'https://hooks.example.com/x', format: 'json', timeoutMs: 5000, retries: 3, backoffMs: 1000 }]);
    expect(config.status).toEqual({ idleAfterSeconds: 120, endedAfterSeconds: 1800 });
  });

  it('rejects unknown fields, bad values and non-HTTP webhook URLs, naming the field', () => {
    expect(() => load({ alerts: { sessionCost: { treshold: 5 } } })).toThrow(/alerts\.sessionCost/);
    expect(() => load({ alerts: { costRate: { threshold: -1 } } })).toThrow(/alerts\.costRate\.threshold/);
    expect(() => load({ alerts: { costRate: { cooldownSeconds: 0 } } })).toThrow(/cooldownSeconds/);
    expect(() => load({ alerts: { toolErrorSpike: { windowMinutes: 120 } } })).toThrow(/windowMinutes/);
    expect(() => load({ webhooks: [{ url: 'file:///etc/passwd' }] })).toThrow(/webhooks\.0\.url: must be an http\(s\) URL/);
    expect(() => load({ webhooks: [{ url: 'http://x.example', retries: 11 }] })).toThrow(/webhooks\.0\.retries/);
  });

  it('has budgets and plan-limit alerts off until a budget is set, at 50/80/95% by default', () => {
    const { budgets, planLimits } = loadLiveConfig(null);
    expect(budgets).toEqual({ projects: {}, enabled: true, thresholds: [50, 80, 95], cooldownSeconds: 3600, checkEverySeconds: 60 });
    expect(planLimits).toEqual({ enabled: true, thresholds: [50, 80, 95], cooldownSeconds: 3600 });
    const set = load({ budgets: { daily: 10, projects: { '/work/app': { monthly: 50 } }, thresholds: [75] }, webhooks: [{ url: 'https://hooks.slack.com/services/x', format: 'slack' }] });
    expect(set.budgets).toMatchObject({ daily: 10, projects: { '/work/app': { monthly: 50 } }, thresholds: [75] });
    expect(set.webhooks[0]?.format).toBe('slack');
    expect(load({ webhooks: [{ url: 'https://example.com/x' }] }).webhooks[0]?.format).toBe('json');
  });

  it('rejects a budget that is not a positive amount, and an unknown webhook format', () => {
    expect(() => load({ budgets: { daily: 0 } })).toThrow(/budgets\.daily/);
    expect(() => load({ budgets: { projects: { '/a': { yearly: 5 } } } })).toThrow(/budgets\.projects/);
    expect(() => load({ webhooks: [{ url: 'https://example.com/x', format: 'teams' }] })).toThrow(/webhooks\.0\.format/);
  });
});
