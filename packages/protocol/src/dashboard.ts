import { z } from 'zod';
import { SessionStatusSchema } from './live.js';
import { SessionSummarySchema } from './report.js';

// The dashboard's history endpoints: projects, sessions and a session's conversation, paged
// with opaque cursors. docs/api.md documents each with an example.

const count = z.number().int().nonnegative();
/** `next_cursor`: pass it back as `?cursor=` for the next page; null on the last page. */
const nextCursor = z.string().nullable();

/** GET /api/v1/projects item: the totals of the sessions whose project is `path`. */
export const ProjectSummarySchema = z.object({
  path: z.string(),
  sessions: count,
  messages: count,
  tokens: count,
  cost: z.number().nonnegative(),
  first_activity: z.string().nullable(),
  last_activity: z.string().nullable(),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

/** GET /api/v1/projects: most recent activity first. */
export const ProjectListSchema = z.object({ projects: z.array(ProjectSummarySchema) });
export type ProjectList = z.infer<typeof ProjectListSchema>;

/** A session as the report lists it, with its live status ('ended' when it is not live). */
export const SessionWithStatusSchema = SessionSummarySchema.extend({ status: SessionStatusSchema });
export type SessionWithStatus = z.infer<typeof SessionWithStatusSchema>;

/** GET /api/v1/sessions: most recent activity first. */
export const SessionPageSchema = z.object({ sessions: z.array(SessionWithStatusSchema), next_cursor: nextCursor });
export type SessionPage = z.infer<typeof SessionPageSchema>;

/** One model's share of a session (its requests, subagents included). */
export const ModelTotalsSchema = z.object({
  model: z.string(),
  requests: count,
  inputTokens: count,
  outputTokens: count,
  cacheCreationTokens: count,
  cacheReadTokens: count,
  /** 0 for a model without a price (see `unpricedModels`). */
  totalCost: z.number().nonnegative(),
});
export type ModelTotals = z.infer<typeof ModelTotalsSchema>;

/** GET /api/v1/sessions/{id}: the list's item plus the totals per model, most expensive first. */
export const SessionDetailSchema = SessionWithStatusSchema.extend({ byModel: z.array(ModelTotalsSchema) });
export type SessionDetail = z.infer<typeof SessionDetailSchema>;

/** One stored transcript line of a session, with the line's `message` read back from its file. */
export const ConversationMessageSchema = z.object({
  uuid: z.string(),
  parent_uuid: z.string().nullable(),
  /** '' for the main thread; a subagent's id; 'sidechain' for 1.0.x inline sidechains. */
  agent_id: z.string(),
  /** The line's `type`: user, assistant, system, attachment, … */
  type: z.string(),
  author: z.string().nullable(),
  timestamp: z.string().nullable(),
  preview: z.string(),
  tool_names: z.array(z.string()),
  is_sidechain: z.boolean(),
  is_meta: z.boolean(),
  model: z.string().nullable(),
  /** The line's `message` object; null when the line has none or its file no longer holds it. */
  content: z.record(z.string(), z.unknown()).nullable(),
  /**
   * `content` was cut to fit the page: strings shortened, items and keys left out past about
   * 256 KB, containers deeper than 64 levels replaced by a marker string (docs/api.md). `full_url`
   * then streams the whole transcript line (`full_bytes` bytes), content null when the line was too
   * large to read for the page at all.
   */
  truncated: z.boolean().optional(),
  full_bytes: count.optional(),
  full_url: z.string().optional(),
});
export type ConversationMessage = z.infer<typeof ConversationMessageSchema>;

/** GET /api/v1/sessions/{id}/messages: time order, oldest first; a page holds fewer than `limit` when its messages are large (about 4 MB of content at most). */
export const ConversationPageSchema = z.object({ messages: z.array(ConversationMessageSchema), next_cursor: nextCursor });
export type ConversationPage = z.infer<typeof ConversationPageSchema>;

// ---- Query strings. Each schema's output is what the server works with. ----

/** A page size: digits only, from 1 to `max`. */
function pageLimit(max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .optional()
    .transform((n) => n ?? fallback);
}

const DATE = /^\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(?:Z|[+-]\d\d:?\d\d))?$/;

/** A date (`2026-01-31`, midnight UTC) or a date-time with its zone (`2026-01-31T09:00:00Z`, `…+02:00`): an ISO string in UTC. */
export const QueryTimeSchema = z
  .string()
  .regex(DATE, 'must be a date (2026-01-31) or a date-time with a zone (2026-01-31T09:00:00Z)')
  .transform((s, ctx) => {
    const ms = Date.parse(s);
    // Date.parse rolls 2026-02-30 over to March 2: the calendar date must survive the round trip.
    const day = s.slice(0, 10);
    const dayMs = Date.parse(`${day}T00:00:00Z`);
    if (Number.isNaN(ms) || Number.isNaN(dayMs) || new Date(dayMs).toISOString().slice(0, 10) !== day) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

const cursor = z.string().min(1, 'must not be empty').max(2000, 'is too long');

/** GET /api/v1/sessions query. `since` ≤ last activity < `until`. */
export const SessionQuerySchema = z
  .object({
    project: z.string().min(1, 'must not be empty').max(4096, 'is too long').optional(),
    status: SessionStatusSchema.optional(),
    since: QueryTimeSchema.optional(),
    until: QueryTimeSchema.optional(),
    limit: pageLimit(500, 50),
    cursor: cursor.optional(),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since < q.until, { message: 'must be later than since', path: ['until'] });
export type SessionQuery = z.output<typeof SessionQuerySchema>;

/** GET /api/v1/sessions/{id}/messages query. Pages are smaller: each item carries a whole message. */
export const ConversationQuerySchema = z.object({
  limit: pageLimit(200, 50),
  cursor: cursor.optional(),
});
export type ConversationQuery = z.output<typeof ConversationQuerySchema>;
