import { z } from 'zod';

/** One row of `claudelens report sessions --json` (and of the sessions REST listing). */
export const SessionSummarySchema = z.object({
  sessionId: z.string(),
  projectPath: z.string().nullable(),
  firstActivity: z.string().nullable(),
  lastActivity: z.string().nullable(),
  messageCount: z.number().int().nonnegative(),
  toolUseCount: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  models: z.array(z.string()),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheCreationTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  totalCost: z.number().nonnegative(),
  unpricedModels: z.array(z.string()),
  /**
   * What the bill adds to `totalCost`, which is the token cost as ccusage computes it: server tool
   * fees (web search, $10 per 1,000; web fetch is free beyond tokens) and the US-only inference
   * premium (`inference_geo: "us"`). Optional for older servers; the store always sets it.
   */
  extraCharges: z
    .object({
      webSearchRequests: z.number().int().nonnegative(),
      webFetchRequests: z.number().int().nonnegative(),
      serverToolCost: z.number().nonnegative(),
      usOnlyRequests: z.number().int().nonnegative(),
      dataResidencyCost: z.number().nonnegative(),
    })
    .optional(),
  /**
   * The models of `unpricedModels` with what their requests would cost at the price of the nearest
   * version of their family (`estimateBasis`), or null when no price can be inferred. An estimate:
   * never part of `totalCost`. Optional for older servers; the store always sets it.
   */
  unpriced: z
    .array(
      z.object({
        model: z.string(),
        requests: z.number().int().nonnegative(),
        estimatedCost: z.number().nonnegative().nullable(),
        estimateBasis: z.string().nullable(),
      }),
    )
    .optional(),
  agents: z.array(
    z.object({
      agentId: z.string(),
      requests: z.number().int().nonnegative(),
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      cacheCreationTokens: z.number().int().nonnegative(),
      cacheReadTokens: z.number().int().nonnegative(),
      totalCost: z.number().nonnegative(),
    }),
  ),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

export const SessionReportSchema = z.object({ sessions: z.array(SessionSummarySchema) });
export type SessionReport = z.infer<typeof SessionReportSchema>;

/** One parse or read problem, as listed by `claudelens report health`. */
export const IngestProblemSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  byteOffset: z.number().int().nullable(),
  kind: z.string(),
  detail: z.string(),
  seenAt: z.string(),
});
export type IngestProblem = z.infer<typeof IngestProblemSchema>;

export const HealthReportSchema = z.object({
  files: z.number().int(),
  lines: z.number().int(),
  problemsByKind: z.record(z.string(), z.number().int()),
  unknownLineTypes: z.record(z.string(), z.number().int()),
  problems: z.array(IngestProblemSchema),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;

// ccusage 20's JSON shapes, key for key (`ccusage daily|weekly|monthly|blocks --json`), so that a
// script written for ccusage reads `claudelens report … --json` unchanged (docs/usage.md).
const tokenCount = z.number().int().nonnegative();

export const ModelBreakdownSchema = z.object({
  cacheCreationTokens: tokenCount,
  cacheReadTokens: tokenCount,
  cost: z.number(),
  inputTokens: tokenCount,
  modelName: z.string(),
  outputTokens: tokenCount,
});
export type ModelBreakdown = z.infer<typeof ModelBreakdownSchema>;

export const UsageTotalsSchema = z.object({
  cacheCreationTokens: tokenCount,
  cacheReadTokens: tokenCount,
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  totalCost: z.number(),
  totalTokens: tokenCount,
});
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;

/** One day, week (its Monday) or month (`YYYY-MM`) of a period report. */
export const PeriodUsageSchema = UsageTotalsSchema.extend({
  agent: z.literal('all'),
  metadata: z.object({ agents: z.array(z.string()) }),
  modelBreakdowns: z.array(ModelBreakdownSchema),
  modelsUsed: z.array(z.string()),
  period: z.string(),
});
export type PeriodUsage = z.infer<typeof PeriodUsageSchema>;

export const DailyReportSchema = z.object({ daily: z.array(PeriodUsageSchema), totals: UsageTotalsSchema });
export const WeeklyReportSchema = z.object({ weekly: z.array(PeriodUsageSchema), totals: UsageTotalsSchema });
export const MonthlyReportSchema = z.object({ monthly: z.array(PeriodUsageSchema), totals: UsageTotalsSchema });

export const BlockTokenCountsSchema = z.object({
  cacheCreationInputTokens: tokenCount,
  cacheReadInputTokens: tokenCount,
  inputTokens: tokenCount,
  outputTokens: tokenCount,
});

export const BurnRateSchema = z.object({
  costPerHour: z.number(),
  tokensPerMinute: z.number(),
  tokensPerMinuteForIndicator: z.number(),
});

export const ProjectionSchema = z.object({
  remainingMinutes: z.number(),
  totalCost: z.number(),
  totalTokens: z.number(),
});

export const TokenLimitStatusSchema = z.object({
  limit: z.number(),
  percentUsed: z.number(),
  projectedUsage: z.number(),
  status: z.enum(['ok', 'warning', 'exceeds']),
});

/** A 5-hour billing block (or the gap between two), as `ccusage blocks --json` prints it. */
export const UsageBlockSchema = z.object({
  actualEndTime: z.string().nullable(),
  burnRate: BurnRateSchema.nullable(),
  costUSD: z.number(),
  endTime: z.string(),
  entries: z.number().int().nonnegative(),
  id: z.string(),
  isActive: z.boolean(),
  isGap: z.boolean(),
  models: z.array(z.string()),
  projection: ProjectionSchema.nullable(),
  startTime: z.string(),
  tokenCounts: BlockTokenCountsSchema,
  tokenLimitStatus: TokenLimitStatusSchema.optional(),
  totalTokens: tokenCount,
});
export type UsageBlock = z.infer<typeof UsageBlockSchema>;

export const BlocksReportSchema = z.object({ blocks: z.array(UsageBlockSchema) });
