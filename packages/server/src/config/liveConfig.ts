import fs from 'node:fs';
import { z } from 'zod';
import { AlertsConfigSchema, BudgetsConfigSchema, PlanLimitsConfigSchema, WebhooksConfigSchema } from './alertsConfig.js';
import { UsageError } from './config.js';

/**
 * The serve config file (`--config FILE`, JSON): status thresholds, alert rules and webhooks.
 * Every field is optional; docs/api.md lists the defaults, docs/alerts.md those of `alerts` and `webhooks`.
 */
export const LiveConfigSchema = z
  .object({
    status: z
      .object({
        idleAfterSeconds: z.number().positive().default(120),
        endedAfterSeconds: z.number().positive().default(1800),
      })
      .strict()
      .default({ idleAfterSeconds: 120, endedAfterSeconds: 1800 }),
    alerts: AlertsConfigSchema,
    webhooks: WebhooksConfigSchema,
    budgets: BudgetsConfigSchema,
    planLimits: PlanLimitsConfigSchema,
  })
  .strict();
export type LiveConfig = z.infer<typeof LiveConfigSchema>;

export function loadLiveConfig(file: string | null): LiveConfig {
  let raw: unknown = {};
  if (file) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read config ${file}: ${(error as Error).message}`);
    }
  }
  const parsed = LiveConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`config ${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * How far back the start-up read's recent part goes (ms): the files of the last hour, or of
 * `endedAfterSeconds` if longer, are read first and seed the Live page (docs/ingest.md).
 */
export function recentWindowMs(live: LiveConfig): number {
  return Math.max(live.status.endedAfterSeconds * 1000, 3600_000);
}
