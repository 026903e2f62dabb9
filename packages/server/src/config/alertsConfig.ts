import { z } from 'zod';

// The `alerts` and `webhooks` sections of the serve config file. docs/alerts.md documents every
// field and default; keep the two in step.

function rule(threshold: number, cooldownSeconds: number) {
  return {
    enabled: z.boolean().default(true),
    threshold: z.number().positive().default(threshold),
    // At least a second: alert ids (rule:scope:ms) stay unique.
    cooldownSeconds: z.number().min(1).default(cooldownSeconds),
  };
}

function windowMinutes(minutes: number) {
  return z.number().int().min(1).max(60).default(minutes);
}

export const AlertsConfigSchema = z
  .object({
    costRate: z.object({ ...rule(25, 1800), windowMinutes: windowMinutes(15) }).strict().prefault({}),
    sessionCostRate: z.object({ ...rule(10, 1800), windowMinutes: windowMinutes(15) }).strict().prefault({}),
    sessionCost: z.object(rule(20, 3600)).strict().prefault({}),
    toolCallRate: z.object(rule(40, 600)).strict().prefault({}),
    toolFailureStreak: z.object(rule(5, 600)).strict().prefault({}),
    toolErrorSpike: z
      .object({ ...rule(10, 900), windowMinutes: windowMinutes(5), minErrorRatio: z.number().min(0).max(1).default(0.5) })
      .strict()
      .prefault({}),
    stuckThinking: z.object(rule(10, 1800)).strict().prefault({}),
    parseErrors: z.object({ ...rule(1, 3600), windowMinutes: windowMinutes(10) }).strict().prefault({}),
  })
  .strict()
  .prefault({});
/** Structurally the core's AlertRules (core/alerts/alertRules.ts). */
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;

/** Shares (percent) at which a budget or a plan limit alerts, each once per period or window. */
const thresholds = z.array(z.number().positive().max(1000)).min(1).max(10).default([50, 80, 95]);

/** Dollars per period; a period left out has no budget. */
const BudgetAmountsSchema = z
  .object({ daily: z.number().positive().optional(), weekly: z.number().positive().optional(), monthly: z.number().positive().optional() })
  .strict();

/** The `budgets` section: dollar budgets for everything, and per project (its path, as sessions report it). */
export const BudgetsConfigSchema = BudgetAmountsSchema.extend({
  projects: z.record(z.string().min(1), BudgetAmountsSchema).default({}),
  enabled: z.boolean().default(true),
  thresholds,
  cooldownSeconds: z.number().min(1).default(3600),
  /** How often spending is checked against the budgets. */
  checkEverySeconds: z.number().int().min(5).max(3600).default(60),
})
  .strict()
  .prefault({});
export type BudgetsConfig = z.infer<typeof BudgetsConfigSchema>;

/** The `planLimits` section: alerts at shares of the plan's 5-hour and 7-day limits (from the status line). */
export const PlanLimitsConfigSchema = z
  .object({ enabled: z.boolean().default(true), thresholds, cooldownSeconds: z.number().min(1).default(3600) })
  .strict()
  .prefault({});
export type PlanLimitsConfig = z.infer<typeof PlanLimitsConfigSchema>;

export const WebhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** The body: the alert as JSON, a Slack incoming-webhook message, or an ntfy notification. */
    format: z.enum(['json', 'slack', 'ntfy']).default('json'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    retries: z.number().int().min(0).max(10).default(3),
    backoffMs: z.number().int().min(0).max(60_000).default(1000),
  })
  .strict();
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

export const WebhooksConfigSchema = z.array(WebhookConfigSchema).max(20).default([]);
