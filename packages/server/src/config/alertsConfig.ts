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

export const WebhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    retries: z.number().int().min(0).max(10).default(3),
    backoffMs: z.number().int().min(0).max(60_000).default(1000),
  })
  .strict();
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

export const WebhooksConfigSchema = z.array(WebhookConfigSchema).max(20).default([]);
