// The live state of every session a node follows: totals, status, turn, rate windows, and the
// events each commit or clock tick causes (what a line alone says of its session: liveLines.ts).
// Over 300 lines, as one class: the seeds, `apply` and `tick` change the same maps, and the
// answers (snapshots, series, metrics) read them; split, each part would reach into the others'
// fields.
import type { ActiveSession, LiveMessage, LiveMetrics, MetricUpdates, RecentActivity, SessionStatus, StatType } from '@claudelens/protocol';
import type { ToolResult, ToolUse } from '../entry.js';
import type { LiveInput, LiveLine, SessionFacts } from './liveInput.js';
import { lineCounts, statsBefore, statsOf, toLiveMessage, turnAfter, zeroStats, type Stats } from './liveLines.js';
import { RateWindow } from './rateWindow.js';
import { sessionStatus, type StatusThresholds, type Turn } from './sessionStatus.js';

export interface LiveSession {
  sessionId: string;
  project: string | null;
  startedAt: string | null;
  lastActivity: string | null;
  lastActivityMs: number;
  stats: Stats;
  turn: Turn;
  status: SessionStatus;
  /** When the current `thinking` stretch began. */
  thinkingSinceMs: number | null;
}

export type LiveEvent =
  | {
      kind: 'message';
      sessionId: string;
      project: string | null;
      lineType: string;
      message: LiveMessage;
      cost: number;
      /** The line's tool calls and tool results, for the alert rules (runaway loops, failing tools). */
      toolUses: ToolUse[];
      toolResults: ToolResult[];
    }
  | { kind: 'stats'; sessionId: string; changes: { stat: StatType; value: number; delta: number }[] }
  | { kind: 'status'; sessionId: string; project: string | null; status: SessionStatus; previous: SessionStatus | null }
  | {
      kind: 'started';
      sessionId: string;
      project: string | null;
      /** The transcript time of the session's first line in the commit that started it: the feed puts "Session started" there. */
      at: string | null;
    }
  | { kind: 'ended'; sessionId: string; project: string | null }
  /** Left the live set to keep it within its bound (least recently active first); the store answers for it. */
  | { kind: 'dropped'; sessionId: string };

/** The live set's default bound: a flood of new session ids must not grow memory and every tick without end. */
export const DEFAULT_MAX_LIVE_SESSIONS = 10_000;

const STATS: StatType[] = ['messages', 'tools', 'tokens', 'cost'];
const RECENT_ACTIVITY = 50;
const HOUR = 3600;

/**
 * The live view of every session: stats, status, rates, the recent activity (a session's recent
 * messages come from the store: see LiveQueries). Pure: it is fed what
 * the store committed and the time, and answers with domain events; adapters fan them out.
 */
export class LiveState {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly messages = new RateWindow(HOUR);
  private readonly cost = new RateWindow(HOUR);
  private readonly tokens = new RateWindow(HOUR);
  private readonly activity: RecentActivity[] = [];
  /** Sessions dropped from the live set to keep it within `maxSessions`, since start. */
  dropped = 0;

  constructor(
    private readonly thresholds: StatusThresholds,
    private readonly now: () => number,
    /** At most this many sessions live; `sessions` is kept in order of activity (a line moves its session last) so the first is the one to drop. */
    private readonly maxSessions = DEFAULT_MAX_LIVE_SESSIONS,
  ) {}

  /** Sessions known from the store at start-up; no events. One ended already is not kept (see forget). */
  seed(facts: SessionFacts[]): void {
    const now = this.now();
    const byActivity = [...facts].sort((a, b) => compareIso(a.lastActivity ?? '', b.lastActivity ?? ''));
    for (const f of byActivity) {
      const lastActivityMs = f.lastActivity ? Math.min(Date.parse(f.lastActivity), now) : 0;
      const status = sessionStatus('done', lastActivityMs, now, this.thresholds);
      if (status === 'ended') continue;
      this.sessions.set(f.sessionId, {
        sessionId: f.sessionId,
        project: f.projectPath,
        startedAt: f.firstActivity,
        lastActivity: f.lastActivity,
        lastActivityMs,
        stats: statsOf(f),
        turn: 'done',
        status,
        thinkingSinceMs: null,
      });
    }
    this.bound();
  }

  /** The rate windows from stored activity (per second, transcript time): a node that starts shows the last hour's rates at once. */
  seedRates(seconds: { at: string; messages: number; cost: number; tokens: number }[]): void {
    const now = this.now();
    for (const s of seconds) {
      const at = Date.parse(`${s.at}Z`);
      if (!Number.isFinite(at)) continue;
      this.messages.add(at, s.messages, now);
      this.cost.add(at, s.cost, now);
      this.tokens.add(at, s.tokens, now);
    }
  }

  apply(input: LiveInput): LiveEvent[] {
    const now = this.now();
    const events: LiveEvent[] = [];
    const touched = new Map<string, { before: Stats; after: SessionFacts }>();
    let counts: Map<string, Stats> | null = null; // per session, made once: per new session it was a scan of every line
    for (const facts of input.sessions) {
      const known = this.sessions.get(facts.sessionId);
      touched.set(facts.sessionId, { before: known ? { ...known.stats } : statsBefore(facts, input, (counts ??= lineCounts(input))), after: facts });
    }
    for (const entry of input.lines) {
      if (!entry.sessionId) continue;
      const session = this.session(entry.sessionId, touched.get(entry.sessionId)?.after ?? null);
      this.sessions.delete(session.sessionId); // last in order: the most recently active
      this.sessions.set(session.sessionId, session);
      this.observe(session, entry, now);
      if (entry.lineType !== 'user' && entry.lineType !== 'assistant') continue;
      const message = toLiveMessage(entry, now);
      const cost = input.costByLine.get(entry.uuid ?? '') ?? 0;
      const at = entry.timestamp ? Date.parse(entry.timestamp) : now;
      this.messages.add(at, 1, now);
      // A request's tokens and cost count at its start, as the store's activity has them (mergeRequest).
      const requestAt = entry.requestAt ? Date.parse(entry.requestAt) : at;
      this.cost.add(requestAt, cost, now);
      this.tokens.add(requestAt, entry.tokens, now);
      this.remember({
        timestamp: message.timestamp,
        type: entry.author === 'tool' ? 'tool_result' : message.tool_used ? 'tool_use' : entry.lineType,
        project: session.project ?? '',
        summary: message.preview,
        cost,
        session_id: session.sessionId,
        uuid: message.uuid,
        ...(message.tool_used ? { tool: message.tool_used } : {}),
      });
      events.push({
        kind: 'message',
        sessionId: session.sessionId,
        project: session.project,
        lineType: entry.lineType,
        message,
        cost,
        toolUses: entry.toolUses,
        toolResults: entry.toolResults,
      });
    }
    for (const [sessionId, { before, after }] of touched) {
      const session = this.session(sessionId, after);
      const stats = statsOf(after);
      const from = before;
      const changes = STATS.filter((s) => stats[s] !== from[s]).map((stat) => ({ stat, value: stats[stat], delta: stats[stat] - from[stat] }));
      session.stats = stats;
      session.project = session.project ?? after.projectPath;
      session.startedAt = after.firstActivity;
      if (changes.length > 0) events.push({ kind: 'stats', sessionId, changes });
    }
    // Only the sessions this commit touched: the others' statuses change with time alone, which
    // tick() covers. Checking every live session here made each commit O(sessions).
    const changed = new Set<LiveSession>();
    const firstAt = new Map<string, string>();
    for (const entry of input.lines) {
      if (!entry.sessionId) continue;
      changed.add(this.session(entry.sessionId, null));
      const first = firstAt.get(entry.sessionId);
      if (entry.timestamp && (first === undefined || entry.timestamp < first)) firstAt.set(entry.sessionId, entry.timestamp);
    }
    for (const sessionId of touched.keys()) changed.add(this.session(sessionId, null));
    events.push(...this.statusChanges(changed, firstAt));
    events.push(...this.bound());
    return events;
  }

  /** Drops the least recently active sessions past `maxSessions`: O(1) each (the map is in order of activity). */
  private bound(): LiveEvent[] {
    const events: LiveEvent[] = [];
    for (const sessionId of this.sessions.keys()) {
      if (this.sessions.size <= this.maxSessions) break;
      this.sessions.delete(sessionId);
      this.dropped++;
      events.push({ kind: 'dropped', sessionId });
    }
    return events;
  }

  /** Status changes that time alone causes (idle, ended); call a few times a second. */
  tick(): LiveEvent[] {
    return this.statusChanges(this.sessions.values());
  }

  private statusChanges(sessions: Iterable<LiveSession>, firstAt?: Map<string, string>): LiveEvent[] {
    const now = this.now();
    const events: LiveEvent[] = [];
    for (const session of sessions) {
      const status = sessionStatus(session.turn, session.lastActivityMs, now, this.thresholds);
      if (status === session.status) continue;
      const previous = session.status;
      session.status = status;
      session.thinkingSinceMs = status === 'thinking' ? (previous === 'thinking' ? session.thinkingSinceMs : now) : null;
      if (previous === 'ended') events.push({ kind: 'started', sessionId: session.sessionId, project: session.project, at: firstAt?.get(session.sessionId) ?? null });
      events.push({ kind: 'status', sessionId: session.sessionId, project: session.project, status, previous });
      if (status === 'ended') events.push({ kind: 'ended', sessionId: session.sessionId, project: session.project });
    }
    return events;
  }

  /**
   * Drops a session that has ended; true if it was dropped. The store answers for it from then on,
   * and a line that comes later starts it again from the store's totals in that commit, like a
   * session never seen. Kept, every session of a long-running server stayed in memory and in
   * every status tick.
   */
  forget(sessionId: string): boolean {
    return this.sessions.get(sessionId)?.status === 'ended' && this.sessions.delete(sessionId);
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  all(): IterableIterator<LiveSession> {
    return this.sessions.values();
  }

  activeSessions(): ActiveSession[] {
    const active: ActiveSession[] = [];
    for (const s of this.sessions.values()) {
      if (s.status === 'ended') continue;
      active.push({
        session_id: s.sessionId,
        project: s.project ?? '',
        started_at: s.startedAt ?? s.lastActivity ?? '',
        message_count: s.stats.messages,
        current_cost: s.stats.cost,
        last_activity: s.lastActivity ?? '',
        status: s.status,
      });
    }
    return active.sort((a, b) => compareIso(b.last_activity, a.last_activity));
  }

  /** How many sessions have not ended; without building and sorting the list (metrics read it 20 times a second). */
  activeCount(): number {
    let count = 0;
    for (const s of this.sessions.values()) if (s.status !== 'ended') count++;
    return count;
  }

  recentActivity(): RecentActivity[] {
    return [...this.activity].reverse();
  }

  /**
   * What /ws/metrics-updates sends (docs/api.md, Rates): messages_per_minute, messages timestamped
   * in the last 60 s; current_cost_rate, their cost × 60 ($/h at the last minute's pace);
   * cost_per_hour_rate, the cost of the last hour; and the sessions and projects not ended. Every
   * card of the Live page is here, so that each follows the socket (the last two used to come only
   * with the page's first load).
   */
  metricUpdates(): MetricUpdates {
    const now = this.now();
    let active = 0;
    const projects = new Set<string>();
    for (const s of this.sessions.values()) {
      if (s.status === 'ended') continue;
      active++;
      if (s.project) projects.add(s.project);
    }
    return {
      active_sessions: active,
      messages_per_minute: this.messages.sum(60, now),
      current_cost_rate: this.cost.sum(60, now) * 60,
      cost_per_hour_rate: this.cost.sum(HOUR, now),
      active_projects: [...projects].sort(),
    };
  }

  /** The same figures as metricUpdates, as live-activity's `live_metrics` has them. */
  liveMetrics(): LiveMetrics {
    const { active_sessions, messages_per_minute, cost_per_hour_rate, active_projects } = this.metricUpdates();
    return { messages_per_minute, active_sessions, cost_per_hour_rate: cost_per_hour_rate ?? 0, active_projects: active_projects ?? [] };
  }

  /** Per-minute series over the last hour, oldest first, for sparklines; the last minute ends at `now` (the body's `end`). */
  series(kind: 'messages' | 'cost' | 'tokens', minutes = 60, now = this.now()): number[] {
    const window = kind === 'messages' ? this.messages : kind === 'cost' ? this.cost : this.tokens;
    return window.stretches(minutes, 60, now);
  }

  /** A session not seen before starts `ended`: its first activity makes it start. */
  private session(id: string, facts: SessionFacts | null): LiveSession {
    let session = this.sessions.get(id);
    if (!session) {
      session = {
        sessionId: id,
        project: facts?.projectPath ?? null,
        startedAt: facts?.firstActivity ?? null,
        lastActivity: null,
        lastActivityMs: 0,
        stats: zeroStats(),
        turn: 'done',
        status: 'ended',
        thinkingSinceMs: null,
      };
      this.sessions.set(id, session);
    }
    return session;
  }

  private observe(session: LiveSession, entry: LiveLine, now: number): void {
    const at = entry.timestamp ? Math.min(Date.parse(entry.timestamp), now) : now;
    if (at > session.lastActivityMs) {
      session.lastActivityMs = at;
      session.lastActivity = new Date(at).toISOString();
    }
    if (entry.cwd && !session.project && !entry.isSidechain) session.project = entry.cwd;
    if (entry.agentId === '') session.turn = turnAfter(entry, session.turn);
  }

  private remember(item: RecentActivity): void {
    this.activity.push(item);
    if (this.activity.length > RECENT_ACTIVITY) this.activity.shift();
  }
}

/**
 * ISO-8601 times compared as text, code unit by code unit (their order is the times' order):
 * localeCompare's first call loads ICU's collation data, 6-7 ms of every start-up.
 */
function compareIso(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
