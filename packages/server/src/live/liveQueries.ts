import { formatStat, type ActiveSessions, type LiveActivity, type LiveMessage, type LiveSeries, type LiveStats, type SessionLive, type StatType, type Summary } from '@claudelens/protocol';
import { calendarStarts } from '../core/live/calendar.js';
import { statsOf, type Stats } from '../core/live/liveLines.js';
import type { LiveState } from '../core/live/liveState.js';
import type { HistoryReads, LiveReads } from '../store/readModel.js';
import type { StoredMessage } from '../store/repository.js';

const RECENT = 20;
const SERIES_MINUTES = 60;
const SUMMARY_TTL_MS = 1000;
/** Most sessions (and projects) one live list carries: 295,000 live sessions once made each activity snapshot 63 MB. */
export const LIST_CAP = 1000;

/**
 * The live REST bodies and WebSocket snapshots: from the live state where the session is
 * live, from the store otherwise. Undefined for a session the store has never seen.
 */
export class LiveQueries {
  constructor(
    private readonly state: LiveState,
    private readonly store: LiveReads & Pick<HistoryReads, 'sessionPage'>,
    private readonly options: { claudeDirs?: string[]; now?: () => number } = {},
  ) {}

  private readonly summaries = new Map<string, { at: number; body: Promise<Summary> }>();

  /**
   * What the Live page shows when nothing is live: today's and this week's spending in `tz`, the
   * last activity, where it looks. One answer per day and week start serves every client for
   * SUMMARY_TTL_MS: the sums read every request of the week, and each dashboard asks again after
   * new lines.
   */
  summary(tz: string): Promise<Summary> {
    const now = (this.options.now ?? Date.now)();
    const { today, week } = calendarStarts(now, tz);
    const key = `${tz}|${today}|${week}`;
    const cached = this.summaries.get(key);
    if (cached && now - cached.at < SUMMARY_TTL_MS) return cached.body;
    for (const [k, v] of this.summaries) if (now - v.at >= SUMMARY_TTL_MS) this.summaries.delete(k);
    const body = this.readSummary(tz, today, week);
    this.summaries.set(key, { at: now, body });
    body.catch(() => this.summaries.delete(key));
    return body;
  }

  private async readSummary(tz: string, today: string, week: string): Promise<Summary> {
    const [[day, thisWeek], [latest]] = await Promise.all([this.store.usageSince([today, week]), this.store.sessionPage({ limit: 1 })]);
    return {
      tz,
      today: { since: today, ...day! },
      this_week: { since: week, ...thisWeek! },
      last_activity: latest?.lastActivity ?? null,
      claude_dirs: this.options.claudeDirs ?? [],
    };
  }

  async sessionLive(sessionId: string): Promise<SessionLive | undefined> {
    const live = this.state.get(sessionId);
    const stored = await this.store.session(sessionId);
    if (!live && !stored) return undefined;
    const stats: Stats = live?.stats ?? statsOf(stored!);
    // From the store, not kept in the live state: recent messages of every live session were a
    // large share of the heap, marked by every major GC, for snapshots now and then
    // (docs/scale-out.md, "The live path's figures").
    const recent = (await this.store.recentMessages(sessionId, RECENT)).map(toLiveMessage);
    return {
      session_id: sessionId,
      project: live?.project ?? stored?.projectPath ?? null,
      status: live?.status ?? 'ended',
      started_at: stored?.firstActivity ?? live?.startedAt ?? null,
      last_activity: live?.lastActivity ?? stored?.lastActivity ?? null,
      models: await this.store.sessionModels(sessionId),
      stats: statValues(stats),
      recent_messages: recent,
    };
  }

  async statsLive(sessionId: string): Promise<LiveStats | undefined> {
    const live = this.state.get(sessionId);
    const stats = live?.stats ?? (await this.store.session(sessionId).then((s) => (s ? statsOf(s) : undefined)));
    return stats ? { session_id: sessionId, ...statValues(stats) } : undefined;
  }

  /** The activity stream's snapshot too: capped, so a flood of sessions cannot make every snapshot megabytes. */
  liveActivity(): LiveActivity {
    const metrics = this.state.liveMetrics();
    const live_metrics = { ...metrics, active_projects: metrics.active_projects.slice(0, LIST_CAP) };
    return { ...this.activeSessions(), recent_activity: this.state.recentActivity(), live_metrics };
  }

  activeSessions(): ActiveSessions {
    const all = this.state.activeSessions();
    return { active_sessions: all.slice(0, LIST_CAP), active_sessions_total: all.length, truncated: all.length > LIST_CAP };
  }

  /** The sparklines' last hour, per minute. A difference of two float sums can come out a hair below 0: clamped. */
  series(): LiveSeries {
    // One instant for the sums and the `end` they are said to end at: a client lines the minutes up by it.
    const now = (this.options.now ?? Date.now)();
    const of = (kind: 'messages' | 'cost' | 'tokens') => this.state.series(kind, SERIES_MINUTES, now).map((v) => Math.max(0, v));
    return { minutes: SERIES_MINUTES, end: new Date(now).toISOString(), messages: of('messages'), cost: of('cost'), tokens: of('tokens') };
  }
}

export function statValues(stats: Stats): Record<StatType, { value: number; formatted_value: string }> {
  const value = (stat: StatType) => ({ value: stats[stat], formatted_value: formatStat(stat, stats[stat]) });
  return { messages: value('messages'), tools: value('tools'), tokens: value('tokens'), cost: value('cost') };
}

function toLiveMessage(m: StoredMessage): LiveMessage {
  const tool = m.toolNames[0];
  return { uuid: m.uuid, author: m.author ?? m.lineType, timestamp: m.timestamp ?? '', preview: m.preview, ...(tool ? { tool_used: tool } : {}) };
}
