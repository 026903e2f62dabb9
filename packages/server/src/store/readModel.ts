import type { HealthReport, ModelTotals, SessionSummary } from '@claudelens/protocol';
import type {
  ActivitySecond,
  ProjectTotals,
  SessionFilter,
  SessionPageQuery,
  SessionTotals,
  StoreCounts,
  StoredMessage,
  UsageBucket,
  UsageQuery,
  UsageRequest,
  UsageTotals,
} from './repository.js';

// The store's reads, by who reads them. Both drivers implement them all (Store); a consumer takes
// the one it needs, or picks a method of another where it borrows one.

/** What live state reads: the seed of a starting node (sessions and rates), and the Live page's session cards and summary. */
export interface LiveReads {
  /** Totals of the sessions active since `sinceIso` (by last activity): to seed live state. */
  sessionTotals(sinceIso: string): Promise<SessionTotals[]>;
  /**
   * Messages, cost and tokens per second of transcript time since `sinceIso`, oldest first: the
   * live rate windows of a node that starts (messages from user and assistant lines, cost and
   * tokens from requests).
   */
  activitySince(sinceIso: string): Promise<ActivitySecond[]>;
  /** One session's totals, or undefined when no line of it was stored. */
  session(sessionId: string): Promise<SessionTotals | undefined>;
  /** The models a session used. */
  sessionModels(sessionId: string): Promise<string[]>;
  /** A session's last `limit` user and assistant messages, oldest first. */
  recentMessages(sessionId: string, limit: number): Promise<StoredMessage[]>;
  /** Cost, tokens, requests and sessions of the requests started at or after each of `sinces` (ISO, UTC), in one read. */
  usageSince(sinces: string[]): Promise<UsageTotals[]>;
}

/** What the dashboard's history reads (queries/): projects, pages of sessions, one session, its conversation. */
export interface HistoryReads {
  /** Every project's totals, most recent activity first. */
  projects(): Promise<ProjectTotals[]>;
  /**
   * Sessions by last activity, most recent first (then by id; no activity time last), `limit`
   * at a time after `after`: a page keyed on position, so inserts never shift it.
   */
  sessionPage(query: SessionPageQuery): Promise<SessionSummary[]>;
  /** One session as the report lists it, or undefined when no line of it was stored. */
  sessionSummary(sessionId: string): Promise<SessionSummary | undefined>;
  /** A session's requests summed per model (subagents included), most expensive first. */
  sessionModelTotals(sessionId: string): Promise<ModelTotals[]>;
  /** A session's messages in time order, `limit` at a time, after `cursor` (from a previous page). */
  messages(sessionId: string, page: { after?: string; limit: number }): Promise<StoredMessage[]>;
  /** One message of a session by its uuid (messages are unique on both), or undefined. */
  message(sessionId: string, uuid: string): Promise<StoredMessage | undefined>;
}

/** What reports read: `claudelens report` and its usage reports, the usage API, `import`'s closing line. */
export interface ReportReads {
  /** Every session that matches, as `report sessions` lists them. */
  sessions(filter?: SessionFilter): Promise<SessionSummary[]>;
  /** What `report health` prints: files, lines, problems by kind and unknown line types, with up to `limit` of the problems. */
  health(limit: number): Promise<HealthReport>;
  /** Every stored request with a timestamp that matches, oldest first: what usage reports group. */
  usageRequests(query: UsageQuery): Promise<UsageRequest[]>;
  /**
   * The same requests summed per UTC minute and model, by first time: all ccusage's reports need
   * (docs/usage.md, "Why reports read minutes"), a fraction of the rows.
   */
  usageBuckets(query: UsageQuery): Promise<UsageBucket[]>;
  /** How many files, lines, sessions, requests and problems the store holds. */
  counts(): Promise<StoreCounts>;
}
