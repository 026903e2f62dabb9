import { z } from 'zod';

// Plan limits: what `claudelens statusline` hands the server from Claude Code's status-line
// input, and what GET /api/v1/usage/limits answers (docs/limits.md).

/** One window as Claude Code reports it: `resets_at` in epoch seconds. */
export const RateLimitWindowInputSchema = z.object({
  used_percentage: z.number().min(0).max(1000),
  resets_at: z.number().int().positive(),
});
export type RateLimitWindowInput = z.infer<typeof RateLimitWindowInputSchema>;

/** POST /api/v1/usage/limits: Claude Code's `rate_limits` (subscribers only) and the session's cost. */
export const LimitsObservationSchema = z.object({
  session_id: z.string().min(1).max(200).optional(),
  session_cost_usd: z.number().nonnegative().optional(),
  rate_limits: z
    .object({
      five_hour: RateLimitWindowInputSchema.optional(),
      seven_day: RateLimitWindowInputSchema.optional(),
    })
    .optional(),
});
export type LimitsObservation = z.infer<typeof LimitsObservationSchema>;

export const LimitNameSchema = z.enum(['five_hour', 'seven_day']);
export type LimitName = z.infer<typeof LimitNameSchema>;

/** Used share of the window against its elapsed share: "ahead" uses it faster than time passes. */
export const LimitPaceSchema = z.object({
  state: z.enum(['ahead', 'behind']),
  /** 0..1 (may exceed 1 past the limit). */
  used_share: z.number().nonnegative(),
  /** 0..1 of the window gone. */
  elapsed_share: z.number().min(0).max(1),
  /** used_share / elapsed_share; null at the very start of the window. */
  ratio: z.number().nonnegative().nullable(),
});
export type LimitPace = z.infer<typeof LimitPaceSchema>;

export const LimitWindowSchema = z.object({
  used_percentage: z.number().nonnegative(),
  /** ISO time the window resets. */
  resets_at: z.string(),
  /** ISO time of the latest observation. */
  observed_at: z.string(),
  window_seconds: z.number().int().positive(),
  pace: LimitPaceSchema,
  /** When 100% is reached at the current burn rate; null when usage does not grow. */
  projected_full_at: z.string().nullable(),
  /** Whether that comes before the window resets. */
  full_before_reset: z.boolean(),
  /** %/h the projection uses. */
  burn_rate_per_hour: z.number().nonnegative(),
});
export type LimitWindow = z.infer<typeof LimitWindowSchema>;

/** The current 5-hour block from the transcripts (ccusage's rule): an estimate, not the plan's figure. */
export const BlockEstimateSchema = z.object({
  label: z.literal('estimate'),
  start: z.string(),
  end: z.string(),
  last_activity: z.string(),
  cost_usd: z.number().nonnegative(),
  tokens: z.number().int().nonnegative(),
  burn_rate: z.object({ cost_per_hour: z.number().nonnegative(), tokens_per_minute: z.number().nonnegative() }),
  /** Totals at the block's end at the current burn rate. */
  projection: z.object({ cost_usd: z.number().nonnegative(), tokens: z.number().int().nonnegative() }),
});
export type BlockEstimate = z.infer<typeof BlockEstimateSchema>;

/** GET /api/v1/usage/limits (and the answer to the POST). A window is null when no live observation of it is known. */
export const UsageLimitsSchema = z.object({
  five_hour: LimitWindowSchema.nullable(),
  seven_day: LimitWindowSchema.nullable(),
  /** The transcripts' current 5-hour block; null when nothing was used in the last 5 hours. */
  estimate: BlockEstimateSchema.nullable(),
  /** Today's cost (the server's local day), for the status line. */
  today_cost_usd: z.number().nonnegative(),
});
export type UsageLimits = z.infer<typeof UsageLimitsSchema>;
