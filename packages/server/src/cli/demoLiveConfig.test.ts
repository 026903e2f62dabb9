import { describe, expect, it } from 'vitest';
import { AlertsConfigSchema } from '../config/alertsConfig.js';
import { demoLiveConfig } from './demoLiveConfig.js';

describe('demoLiveConfig', () => {
  const defaults = AlertsConfigSchema.parse({});

  it('multiplies the rate thresholds by the replay speed and keeps the totals', () => {
    const { alerts, status } = demoLiveConfig(10);
    expect(alerts.costRate.threshold).toBe(defaults.costRate.threshold * 10);
    expect(alerts.sessionCostRate.threshold).toBe(defaults.sessionCostRate.threshold * 10);
    expect(alerts.toolCallRate.threshold).toBe(defaults.toolCallRate.threshold * 10);
    expect(alerts.toolErrorSpike.threshold).toBe(defaults.toolErrorSpike.threshold * 10);
    expect(alerts.sessionCost).toEqual(defaults.sessionCost);
    expect(alerts.toolFailureStreak).toEqual(defaults.toolFailureStreak);
    expect(alerts.parseErrors).toEqual(defaults.parseErrors);
    expect(status).toEqual({ idleAfterSeconds: 12, endedAfterSeconds: 180 });
  });

  it('never lowers a threshold below its default when replaying slower than recorded', () => {
    expect(demoLiveConfig(0.5).alerts.sessionCostRate.threshold).toBe(defaults.sessionCostRate.threshold);
    expect(demoLiveConfig(1).alerts).toEqual(defaults);
  });
});
