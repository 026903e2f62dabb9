import type { Alert } from '@claudelens/protocol';

/** What every rule has: docs/alerts.md documents each field and its default (config/liveConfig.ts). */
export interface RuleSettings {
  enabled: boolean;
  /** The rule fires when its value reaches this (>=). */
  threshold: number;
  /** After firing, a key fires again only once this has passed and the condition cleared. */
  cooldownSeconds: number;
}

export type WindowedRule = RuleSettings & { windowMinutes: number };

export interface AlertRules {
  /** $/h, all sessions together, over the last `windowMinutes`. */
  costRate: WindowedRule;
  /** $/h of one session over the last `windowMinutes`. */
  sessionCostRate: WindowedRule;
  /** $ a session has cost in total. */
  sessionCost: RuleSettings;
  /** Tool calls of one session in the last minute: a runaway loop. */
  toolCallRate: RuleSettings;
  /** The same tool failing this many times in a row in one session. */
  toolFailureStreak: RuleSettings;
  /** Tool errors, all sessions together, in the last `windowMinutes`, when at least `minErrorRatio` of tool results failed. */
  toolErrorSpike: WindowedRule & { minErrorRatio: number };
  /** Minutes a session has been `thinking` with no new transcript line. */
  stuckThinking: RuleSettings;
  /** Transcript lines with a problem (invalid JSON, unknown type, ...) in the last `windowMinutes`. */
  parseErrors: WindowedRule;
}

export type RuleName = keyof AlertRules;

/** The `rule` field of an alert: the config key in snake_case. */
export const RULE_IDS: Record<RuleName, string> = {
  costRate: 'cost_rate',
  sessionCostRate: 'session_cost_rate',
  sessionCost: 'session_cost',
  toolCallRate: 'tool_call_rate',
  toolFailureStreak: 'tool_failure_streak',
  toolErrorSpike: 'tool_error_spike',
  stuckThinking: 'stuck_thinking',
  parseErrors: 'parse_errors',
};

export const RULE_SEVERITY: Record<RuleName, Alert['severity']> = {
  costRate: 'warning',
  sessionCostRate: 'warning',
  sessionCost: 'warning',
  toolCallRate: 'critical',
  toolFailureStreak: 'warning',
  toolErrorSpike: 'warning',
  stuckThinking: 'warning',
  parseErrors: 'info',
};
