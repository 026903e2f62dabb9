import { z } from 'zod';
import { UsageBlockSchema } from './report.js';

// GET /api/v1/usage: usage history grouped by day, week, month or 5-hour block, with breakdowns
// by model, project, session, agent and tool (docs/usage.md says how each is counted).

export const UsageGroupSchema = z.enum(['day', 'week', 'month', 'block']);
export type UsageGroup = z.infer<typeof UsageGroupSchema>;

// A real calendar day: 2026-13-40 has the shape but would reach the store as an invalid time.
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((date) => {
    const ms = Date.parse(`${date}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
  }, 'is not a day of the calendar');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const UsageQuerySchema = z
  .object({
    group: UsageGroupSchema.default('day'),
    /** First local date, inclusive, in `tz`. */
    from: localDate.optional(),
    /** Last local date, inclusive, in `tz`. */
    to: localDate.optional(),
    /** IANA time zone the dates and periods are in (the dashboard sends the browser's). */
    tz: z.string().min(1).max(64).refine(isTimeZone, 'is not a time zone this server knows').default('UTC'),
    /** Project path, exact or a part of it (case-insensitive). */
    project: z.string().min(1).max(1000).optional(),
    /** Exact model name. */
    model: z.string().min(1).max(200).optional(),
    /** How many sessions the sessions breakdown lists (the others are in the totals). */
    top: z.coerce.number().int().min(1).max(100).default(10),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from is after to', path: ['from'] });
export type UsageQuery = z.input<typeof UsageQuerySchema>;

const count = z.number().int().nonnegative();

export const UsageFiguresSchema = z.object({
  requests: count,
  inputTokens: count,
  outputTokens: count,
  cacheCreationTokens: count,
  cacheReadTokens: count,
  totalTokens: count,
  cost: z.number(),
});
export type UsageFigures = z.infer<typeof UsageFiguresSchema>;

/**
 * One model, project, session, agent or tool and what its requests used. A tool's tokens and cost
 * are its equal share of each request that calls it (so they may be fractions, and the tools add up
 * to the totals); its `requests` counts those requests whole.
 */
export const UsageSliceSchema = UsageFiguresSchema.extend({
  key: z.string(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheCreationTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative(),
  totalTokens: z.number().nonnegative(),
  /** Sessions and agents: the project the session is in. */
  projectPath: z.string().nullable().optional(),
  /** Agents: the session the subagent ran in. */
  sessionId: z.string().optional(),
});
export type UsageSlice = z.infer<typeof UsageSliceSchema>;

export const UsagePeriodSchema = UsageFiguresSchema.extend({
  /** `YYYY-MM-DD` (a day, or the Monday of a week), `YYYY-MM`, or a block's start (ISO). */
  period: z.string(),
  start: z.string(),
  end: z.string(),
  /** By cost, most first. */
  models: z.array(UsageSliceSchema),
  projects: z.array(UsageSliceSchema),
});
export type UsagePeriod = z.infer<typeof UsagePeriodSchema>;

export const UsageResponseSchema = z.object({
  group: UsageGroupSchema,
  tz: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  totals: UsageFiguresSchema.extend({
    /** Cache reads over all input-side tokens (input + cache writes + cache reads); null without any. */
    cacheHitRatio: z.number().nullable(),
    /** Models with no price: their requests count as $0 in every figure here. */
    unpricedModels: z.array(z.string()),
  }),
  /** Every period from the first to the last (empty ones included) for day/week/month; the blocks with usage for block. */
  periods: z.array(UsagePeriodSchema),
  /** group=block: ccusage's blocks, gaps included; otherwise empty. */
  blocks: z.array(UsageBlockSchema),
  breakdowns: z.object({
    models: z.array(UsageSliceSchema),
    projects: z.array(UsageSliceSchema),
    /** The `top` most costly sessions. */
    sessions: z.array(UsageSliceSchema),
    /** `main` (the main thread of every session) and each subagent run by its agent id. */
    agents: z.array(UsageSliceSchema),
    /** `main`, then each subagent type (the Task/Agent call's `subagent_type`); `unknown` for a run not linked to its call. */
    subagentTypes: z.array(UsageSliceSchema),
    /** A request's cost split equally among the tool calls on its line; `(no tool)` for the rest. */
    tools: z.array(UsageSliceSchema),
  }),
});
export type UsageResponse = z.infer<typeof UsageResponseSchema>;
