import { z } from 'zod';
import { LimitWindowSchema } from './limits.js';

// The wire contract of the live engine: every REST body and WebSocket event, from the two
// specs in shared/spec (000: per-session stat cards and feed; 001: the activity monitor).
// Field names are the specs' own (snake_case). docs/api.md documents each with an example.
// Over 300 lines, as one file: the events of every channel share their pieces (status, alerts,
// stats, seq), and a reader checks one spec against one file.

export const SessionStatusSchema = z.enum(['active', 'idle', 'thinking', 'ended']);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

export const StatTypeSchema = z.enum(['messages', 'tools', 'tokens', 'cost']);
export type StatType = z.infer<typeof StatTypeSchema>;

/** A stat as the card shows it: the number and its text ("262", "18", "45K", "$0.45"). */
export const StatValueSchema = z.object({ value: z.number(), formatted_value: z.string() });
export type StatValue = z.infer<typeof StatValueSchema>;

export const LiveStatsSchema = z.object({
  session_id: z.string(),
  messages: StatValueSchema,
  tools: StatValueSchema,
  tokens: StatValueSchema,
  cost: StatValueSchema,
});
export type LiveStats = z.infer<typeof LiveStatsSchema>;

/** Spec 000's `new_message.message`. */
export const LiveMessageSchema = z.object({
  uuid: z.string(),
  author: z.string(),
  timestamp: z.string(),
  preview: z.string(),
  tool_used: z.string().optional(),
});
export type LiveMessage = z.infer<typeof LiveMessageSchema>;

/** GET /api/v1/analytics/session/live?session_id= */
export const SessionLiveSchema = z.object({
  session_id: z.string(),
  project: z.string().nullable(),
  status: SessionStatusSchema,
  started_at: z.string().nullable(),
  last_activity: z.string().nullable(),
  models: z.array(z.string()),
  stats: LiveStatsSchema.omit({ session_id: true }),
  recent_messages: z.array(LiveMessageSchema),
});
export type SessionLive = z.infer<typeof SessionLiveSchema>;

/** Spec 001's `active_sessions[]` item. */
export const ActiveSessionSchema = z.object({
  session_id: z.string(),
  project: z.string(),
  started_at: z.string(),
  message_count: z.number().int().nonnegative(),
  current_cost: z.number().nonnegative(),
  last_activity: z.string(),
  status: z.enum(['active', 'idle', 'thinking']),
});
export type ActiveSession = z.infer<typeof ActiveSessionSchema>;

/** Spec 001's `recent_activity[]` item; `session_id` and `uuid` added so a client can link it. */
export const RecentActivitySchema = z.object({
  timestamp: z.string(),
  type: z.string(),
  project: z.string(),
  summary: z.string(),
  cost: z.number().nonnegative(),
  session_id: z.string(),
  uuid: z.string().optional(),
  tool: z.string().optional(),
});
export type RecentActivity = z.infer<typeof RecentActivitySchema>;

export const LiveMetricsSchema = z.object({
  messages_per_minute: z.number().nonnegative(),
  active_sessions: z.number().int().nonnegative(),
  cost_per_hour_rate: z.number().nonnegative(),
  active_projects: z.array(z.string()),
});
export type LiveMetrics = z.infer<typeof LiveMetricsSchema>;

/**
 * A capped list's count: `active_sessions` holds the most recently active first, at most the
 * server's cap (1000); `active_sessions_total` is how many there are, `truncated` whether some
 * were left out. Optional: servers before the cap did not send them.
 */
const ListCapShape = {
  active_sessions_total: z.number().int().nonnegative().optional(),
  truncated: z.boolean().optional(),
};

/** GET /api/v1/analytics/live-activity */
export const LiveActivitySchema = z.object({
  active_sessions: z.array(ActiveSessionSchema),
  ...ListCapShape,
  recent_activity: z.array(RecentActivitySchema),
  live_metrics: LiveMetricsSchema,
});
export type LiveActivity = z.infer<typeof LiveActivitySchema>;

/** GET /api/v1/analytics/series: per-minute totals over the last hour, oldest first (the last item is the minute up to `end`), for sparklines. */
export const LiveSeriesSchema = z.object({
  minutes: z.number().int().positive(),
  end: z.string(),
  messages: z.array(z.number().nonnegative()),
  cost: z.array(z.number().nonnegative()),
  tokens: z.array(z.number().nonnegative()),
});
export type LiveSeries = z.infer<typeof LiveSeriesSchema>;

/** GET /api/v1/analytics/active-sessions */
export const ActiveSessionsSchema = z.object({ active_sessions: z.array(ActiveSessionSchema), ...ListCapShape });
export type ActiveSessions = z.infer<typeof ActiveSessionsSchema>;

export const MetricUpdatesSchema = z.object({
  active_sessions: z.number().int().nonnegative(),
  messages_per_minute: z.number().nonnegative(),
  current_cost_rate: z.number().nonnegative(),
  /** As in `live_metrics` (not in spec 001's metric_update): every Live card follows the socket. Optional: servers before 2026-12-07 leave them out. */
  cost_per_hour_rate: z.number().nonnegative().optional(),
  active_projects: z.array(z.string()).optional(),
});
export type MetricUpdates = z.infer<typeof MetricUpdatesSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  session_id: z.string().nullable(),
  project: z.string().nullable(),
  value: z.number(),
  threshold: z.number(),
  triggered_at: z.string(),
  acknowledged: z.boolean(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertListSchema = z.object({ alerts: z.array(AlertSchema) });

/** Every 4xx/5xx body. */
export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), parameter: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

// ---- WebSocket events. Every event carries `seq`, increasing by one per channel. ----

const seq = z.number().int().nonnegative();

/** Sent on a channel before its snapshot when a resume with `?since=` cannot be served, and to a client that fell too far behind. */
export const ResyncEventSchema = z.object({ type: z.literal('resync'), seq, reason: z.enum(['gap', 'slow_consumer', 'restart']) });
/** The reply to a client's `{"type":"ping"}`. */
export const PongEventSchema = z.object({ type: z.literal('pong'), seq });

/** /ws/stats/{session_id}: spec 000's stat update. The current values are sent on connect with delta 0 and animation "none". */
export const StatUpdateEventSchema = z.object({
  type: z.literal('stat_update'),
  seq,
  stat_type: StatTypeSchema,
  session_id: z.string(),
  timestamp: z.string(),
  update: z.object({
    new_value: z.number(),
    formatted_value: z.string(),
    delta: z.number(),
    animation: z.enum(['increment', 'none']),
  }),
});
export type StatUpdateEvent = z.infer<typeof StatUpdateEventSchema>;
export const StatsChannelEventSchema = z.discriminatedUnion('type', [StatUpdateEventSchema, ResyncEventSchema, PongEventSchema]);
export type StatsChannelEvent = z.infer<typeof StatsChannelEventSchema>;

/** /ws/session/{session_id}: spec 000's new message. */
export const SessionMessageEventSchema = z.object({
  type: z.literal('new_message'),
  seq,
  session_id: z.string(),
  message: LiveMessageSchema,
});
/** /ws/session/{session_id}: the session's status changed. */
export const SessionStatusEventSchema = z.object({
  type: z.literal('session_update'),
  seq,
  session_id: z.string(),
  timestamp: z.string(),
  status: SessionStatusSchema,
  previous_status: SessionStatusSchema.nullable(),
});
/** /ws/session/{session_id}: first frame (and after a resync): the REST session/live body. */
export const SessionSnapshotEventSchema = z.object({ type: z.literal('snapshot'), seq, data: SessionLiveSchema });
export const SessionChannelEventSchema = z.discriminatedUnion('type', [
  SessionMessageEventSchema,
  SessionStatusEventSchema,
  SessionSnapshotEventSchema,
  ResyncEventSchema,
  PongEventSchema,
]);
export type SessionChannelEvent = z.infer<typeof SessionChannelEventSchema>;

/**
 * /ws/activity-stream: spec 001's envelope, a union on `type`; each kind carries its own `data`.
 * `project` is absent when the session's folder is not known yet.
 */
const activityEnvelope = { seq, timestamp: z.string() };
const project = z.string().optional();
/**
 * The transcript time of the line (`new_message`), or of the first line of the session's return
 * (`session_started`); `timestamp` is when the event was sent. The feed shows this one.
 */
const messageTimestamp = z.string();
export const NewMessageActivitySchema = z.object({
  type: z.literal('new_message'),
  ...activityEnvelope,
  data: z.object({
    session_id: z.string(),
    project,
    message_type: z.string(),
    cost: z.number(),
    tool: z.string().optional(),
    uuid: z.string(),
    summary: z.string(),
    message_timestamp: messageTimestamp.optional(),
  }),
});
export const SessionStartedActivitySchema = z.object({
  type: z.literal('session_started'),
  ...activityEnvelope,
  data: z.object({ session_id: z.string(), project, message_timestamp: messageTimestamp.optional() }),
});
export const SessionEndedActivitySchema = z.object({
  type: z.literal('session_ended'),
  ...activityEnvelope,
  data: z.object({ session_id: z.string(), project }),
});
export const SessionUpdateActivitySchema = z.object({
  type: z.literal('session_update'),
  ...activityEnvelope,
  data: z.object({ session_id: z.string(), project, status: SessionStatusSchema, previous_status: SessionStatusSchema.nullable() }),
});
export const AlertTriggeredActivitySchema = z.object({
  type: z.literal('alert_triggered'),
  ...activityEnvelope,
  /** `session_id` is absent on an alert about everything (a global cost rate), as spec 001 allows. */
  data: z.object({ session_id: z.string().optional(), project, alert: AlertSchema }),
});
export type AlertTriggeredActivity = z.infer<typeof AlertTriggeredActivitySchema>;
export const ActivityEventSchema = z.discriminatedUnion('type', [
  NewMessageActivitySchema,
  SessionStartedActivitySchema,
  SessionEndedActivitySchema,
  SessionUpdateActivitySchema,
  AlertTriggeredActivitySchema,
]);
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;
export const ActivitySnapshotEventSchema = z.object({ type: z.literal('snapshot'), seq, timestamp: z.string(), data: LiveActivitySchema });
export const ActivityChannelEventSchema = z.union([ActivityEventSchema, ActivitySnapshotEventSchema, ResyncEventSchema, PongEventSchema]);
export type ActivityChannelEvent = z.infer<typeof ActivityChannelEventSchema>;

/** /ws/metrics-updates: spec 001's metric update; sent on connect, on change and every second while anything is active. */
export const MetricUpdateEventSchema = z.object({
  type: z.literal('metric_update'),
  seq,
  timestamp: z.string(),
  data: z.object({ metric_updates: MetricUpdatesSchema }),
});
export type MetricUpdateEvent = z.infer<typeof MetricUpdateEventSchema>;
/** /ws/metrics-updates: the plan's 5-hour or 7-day usage changed (a status line reported it; docs/limits.md). */
export const LimitsUpdateEventSchema = z.object({
  type: z.literal('limits_update'),
  seq,
  timestamp: z.string(),
  data: z.object({ five_hour: LimitWindowSchema.nullable(), seven_day: LimitWindowSchema.nullable() }),
});
export type LimitsUpdateEvent = z.infer<typeof LimitsUpdateEventSchema>;
export const MetricsChannelEventSchema = z.discriminatedUnion('type', [MetricUpdateEventSchema, LimitsUpdateEventSchema, ResyncEventSchema, PongEventSchema]);
export type MetricsChannelEvent = z.infer<typeof MetricsChannelEventSchema>;

/** What a client may send on any channel. */
export const ClientMessageSchema = z.object({ type: z.literal('ping') });

// ---- When nothing is live: the Live page's summary. ----

/** An IANA time zone name Intl knows ("Europe/Paris", "UTC"). */
const TimeZoneSchema = z
  .string()
  .max(64, 'is too long')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris');

/** GET /api/v1/analytics/summary query: `tz`, the reader's time zone (default UTC): what "today" and "this week" mean. */
export const SummaryQuerySchema = z.object({ tz: TimeZoneSchema.optional().transform((tz) => tz ?? 'UTC') });
export type SummaryQuery = z.output<typeof SummaryQuerySchema>;

/** GET /api/v1/analytics/session/live and /stats/live query: the session, required. */
export const SessionLiveQuerySchema = z.object({ session_id: z.string({ error: 'is required' }).min(1, 'is required').max(200, 'is too long') });

/** GET /api/v1/alerts query (docs/alerts.md): one session's alerts, those after a time (ISO 8601 or epoch milliseconds). */
export const AlertQuerySchema = z.object({
  session_id: z.string({ error: 'must be a session id' }).min(1, 'must be a session id').max(200, 'must be a session id').optional(),
  since: z
    .string({ error: 'must be an ISO 8601 time or epoch milliseconds' })
    .max(40, 'must be an ISO 8601 time or epoch milliseconds')
    .transform((raw, ctx) => {
      const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
      if (Number.isFinite(ms)) return ms;
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch milliseconds' });
      return z.NEVER;
    })
    .optional(),
});
export type AlertQuery = z.output<typeof AlertQuerySchema>;

/** The requests started in a window: cost, tokens (all four kinds), how many, and in how many sessions. */
export const UsageWindowSchema = z.object({
  since: z.string(),
  cost: z.number().nonnegative(),
  tokens: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  sessions: z.number().int().nonnegative(),
});
export type UsageWindow = z.infer<typeof UsageWindowSchema>;

/** GET /api/v1/analytics/summary: today and this week (from Monday) in `tz`, the last activity, and where transcripts are read from. */
export const SummarySchema = z.object({
  tz: z.string(),
  today: UsageWindowSchema,
  this_week: UsageWindowSchema,
  /** The latest line time of any stored session; null when the store holds none. */
  last_activity: z.string().nullable(),
  /** The claude folders this server reads (`--claude-dir`): where an empty dashboard looked. */
  claude_dirs: z.array(z.string()),
});
export type Summary = z.infer<typeof SummarySchema>;
