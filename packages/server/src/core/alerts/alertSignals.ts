import type { LiveEvent } from '../live/liveState.js';
import type { AlertRules } from './alertRules.js';
import { SlidingSum } from './slidingSum.js';

const MINUTE_MS = 60_000;
/** Tool calls still waiting for their result, per session: enough for any parallel burst. */
const PENDING_TOOLS_PER_SESSION = 500;

export interface Streak {
  /** Failures in a row now. */
  current: number;
  /** The longest run reached since the last evaluation: a run that ended between two evaluations still counts. */
  peak: number;
}

export interface SessionSignals {
  /** Cost by line time, over the sessionCostRate window. */
  cost: SlidingSum;
  /** Tool calls by line time, over a minute. */
  toolCalls: SlidingSum;
  /** tool_use id → tool name, to name the tool a result belongs to. */
  pendingTools: Map<string, string>;
  /** Failures in a row, by tool name. */
  streaks: Map<string, Streak>;
}

/**
 * What the alert rules measure, fed by the live engine's events: cost and tool windows, per
 * session and overall, failure streaks, parse errors. A session is tracked from its first live
 * event until it ends, so what was stored before start-up never alerts on its own.
 */
export class AlertSignals {
  readonly cost: SlidingSum;
  readonly toolResults: SlidingSum;
  readonly toolErrors: SlidingSum;
  readonly parseErrors: SlidingSum;
  private readonly sessions = new Map<string, SessionSignals>();

  constructor(private readonly rules: AlertRules) {
    this.cost = new SlidingSum(rules.costRate.windowMinutes * MINUTE_MS);
    this.toolResults = new SlidingSum(rules.toolErrorSpike.windowMinutes * MINUTE_MS);
    this.toolErrors = new SlidingSum(rules.toolErrorSpike.windowMinutes * MINUTE_MS);
    this.parseErrors = new SlidingSum(rules.parseErrors.windowMinutes * MINUTE_MS);
  }

  observe(events: LiveEvent[], nowMs: number): void {
    for (const event of events) {
      if (event.kind === 'ended' || event.kind === 'dropped') this.sessions.delete(event.sessionId);
      else if (event.kind === 'stats') this.session(event.sessionId);
      else if (event.kind === 'message') this.message(event, nowMs);
    }
  }

  observeParseErrors(count: number, nowMs: number): void {
    if (count > 0) this.parseErrors.add(nowMs, count, nowMs);
  }

  get(sessionId: string): SessionSignals | undefined {
    return this.sessions.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** After an evaluation (of `only` these sessions, when given): peaks start again; finished runs are forgotten. */
  settle(only?: ReadonlySet<string>): void {
    const sessions = only ? [...only].map((id) => this.sessions.get(id)).filter((s) => s !== undefined) : this.sessions.values();
    for (const session of sessions) {
      for (const [tool, streak] of session.streaks) {
        streak.peak = 0;
        if (streak.current === 0) session.streaks.delete(tool);
      }
    }
  }

  private message(event: Extract<LiveEvent, { kind: 'message' }>, nowMs: number): void {
    const session = this.session(event.sessionId);
    const parsed = Date.parse(event.message.timestamp);
    const at = Number.isNaN(parsed) ? nowMs : parsed;
    if (event.cost > 0) {
      this.cost.add(at, event.cost, nowMs);
      session.cost.add(at, event.cost, nowMs);
    }
    if (event.toolUses.length > 0) session.toolCalls.add(at, event.toolUses.length, nowMs);
    for (const use of event.toolUses) {
      session.pendingTools.set(use.id, use.name);
      if (session.pendingTools.size > PENDING_TOOLS_PER_SESSION) session.pendingTools.delete(session.pendingTools.keys().next().value as string);
    }
    for (const result of event.toolResults) {
      this.toolResults.add(at, 1, nowMs);
      if (result.isError) this.toolErrors.add(at, 1, nowMs);
      const tool = session.pendingTools.get(result.toolUseId);
      if (tool === undefined) continue; // its call was made before we started watching
      session.pendingTools.delete(result.toolUseId);
      const streak = session.streaks.get(tool);
      if (!result.isError) {
        if (streak) streak.current = 0;
        continue;
      }
      const run = streak ?? { current: 0, peak: 0 };
      run.current++;
      run.peak = Math.max(run.peak, run.current);
      session.streaks.set(tool, run);
    }
  }

  private session(sessionId: string): SessionSignals {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = {
        cost: new SlidingSum(this.rules.sessionCostRate.windowMinutes * MINUTE_MS),
        toolCalls: new SlidingSum(MINUTE_MS),
        pendingTools: new Map(),
        streaks: new Map(),
      };
      this.sessions.set(sessionId, session);
    }
    return session;
  }
}
