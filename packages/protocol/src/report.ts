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
