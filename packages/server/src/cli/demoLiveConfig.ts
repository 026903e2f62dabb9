import { LiveConfigSchema, type LiveConfig } from '../config/liveConfig.js';
import { AlertsConfigSchema } from '../config/alertsConfig.js';

/**
 * The demo replays recorded time `speed` times faster, so every per-time figure (cost per hour, tool
 * calls per minute, errors per window) runs `speed` times higher than it did when it was recorded.
 * The rules that read a rate get their default thresholds times `speed`, so the demo alerts on what
 * would have alerted live, not on every busy session (at 10×: eight alerts in two minutes before).
 * Totals (a session's cost, a streak of failures, parse errors) do not depend on speed and keep theirs.
 */
export function demoLiveConfig(speed: number): LiveConfig {
  const defaults = AlertsConfigSchema.parse({});
  const scaled = (rule: { threshold: number }) => ({ threshold: rule.threshold * Math.max(1, speed) });
  return LiveConfigSchema.parse({
    // Time runs `speed` times faster, so sessions go idle and end that much sooner too.
    status: { idleAfterSeconds: 120 / speed, endedAfterSeconds: 1800 / speed },
    alerts: {
      costRate: scaled(defaults.costRate),
      sessionCostRate: scaled(defaults.sessionCostRate),
      toolCallRate: scaled(defaults.toolCallRate),
      toolErrorSpike: scaled(defaults.toolErrorSpike),
    },
  });
}
