import type { Alert, SessionStatus } from '@claudelens/protocol';
import type { LiveEvent } from '../live/liveState.js';
import { AlertLatch } from './alertLatch.js';
import { RULE_IDS, RULE_SEVERITY, type AlertRules, type RuleName } from './alertRules.js';
import { AlertSignals } from './alertSignals.js';

/** What the rules read of a live session (LiveState's LiveSession has it). */
export interface SessionView {
  sessionId: string;
  project: string | null;
  status: SessionStatus;
  thinkingSinceMs: number | null;
  lastActivityMs: number;
  stats: { cost: number };
}

interface Condition {
  rule: RuleName;
  scope: string;
  session: SessionView | null;
  value: number;
  /** Built only for a condition that holds. */
  message: () => string;
}

const MINUTE_MS = 60_000;

/**
 * The alert rules. Pure: fed the live engine's events, parse-error counts and the time; asked
 * to `evaluate` the live sessions (after each batch and on a timer), it answers with the alerts
 * that fire now. Each condition has a key (rule + scope: `global`, a session id, or a session
 * id and a tool name) and fires once per AlertLatch's rules.
 */
export class AlertEngine {
  private readonly signals: AlertSignals;
  /**
   * One latch per group of keys: `null` for the global rules, else a session id. A session's
   * conditions depend on that session alone, so an evaluation of some sessions updates just
   * their latches (and the global one) and leaves the others' keys as they were.
   */
  private readonly latches = new Map<string | null, AlertLatch>();
  /** Sessions with events since they were last evaluated. */
  private readonly changed = new Set<string>();

  constructor(
    private readonly rules: AlertRules,
    private readonly now: () => number,
  ) {
    this.signals = new AlertSignals(rules);
  }

  /** The sessions with events since they were last evaluated: the only ones whose conditions events can have changed. */
  get changedSessions(): ReadonlySet<string> {
    return this.changed;
  }

  observe(events: LiveEvent[]): void {
    for (const event of events) this.changed.add(event.sessionId);
    this.signals.observe(events, this.now());
  }

  observeParseErrors(count: number): void {
    this.signals.observeParseErrors(count, this.now());
  }

  /**
   * The alerts that fire now. `only`: evaluate the global rules and just these sessions (those
   * whose events came since the last evaluation); without it, every session and every latched
   * key (the timer's evaluation, which also catches what time alone changes: windows emptying,
   * a session stuck thinking). Evaluating every live session after each committed batch made
   * this O(sessions) per file read, and the server fell behind (docs/scale-out.md, "The live path's figures").
   *
   * Without `only`, a session is evaluated only if time may have changed what it holds: it had
   * events since it was last evaluated, it has latched keys (their windows empty, their cooldowns
   * end), or it has been thinking past the stuck threshold. The rest held nothing when last
   * evaluated (what holds fires, and so is latched), and time alone only lowers their values.
   * Building every live session's conditions each second, on every node, was a stall every line
   * in flight waited out (docs/alerts.md has the figures).
   */
  evaluate(sessions: Iterable<SessionView>, only?: ReadonlySet<string>): Alert[] {
    const now = this.now();
    const groups = new Map<string | null, Condition[]>([[null, [...this.globalConditions(now)]]]);
    for (const session of sessions) {
      const id = session.sessionId;
      if (only ? !only.has(id) : !this.changed.has(id) && !this.latches.has(id) && !this.stuck(session, now)) continue;
      this.changed.delete(id);
      // An ended session (most of those kept) has no condition: skip it without building any.
      groups.set(id, session.status === 'ended' ? [] : [...this.sessionConditions(session, now)]);
    }
    if (!only) this.changed.clear(); // what is left is no longer live
    // Sessions no longer in the live state: their keys are cleared, as conditions that no longer hold.
    for (const group of only ?? this.latches.keys()) if (!groups.has(group)) groups.set(group, []);
    const alerts: Alert[] = [];
    for (const [group, conditions] of groups) {
      const holding = new Map<string, Condition>();
      for (const condition of conditions) {
        if (this.holds(condition.rule, condition.value)) holding.set(keyOf(condition), condition);
      }
      if (holding.size === 0 && !this.latches.has(group)) continue; // nothing holds, nothing latched
      const latch = this.latches.get(group) ?? new AlertLatch();
      const cooldowns = new Map([...holding].map(([key, c]) => [key, this.rules[c.rule].cooldownSeconds * 1000]));
      for (const key of latch.update(cooldowns, now)) alerts.push(toAlert(holding.get(key) as Condition, this.rules, now));
      if (latch.size > 0) this.latches.set(group, latch);
      else this.latches.delete(group);
    }
    this.signals.settle(only);
    return alerts;
  }

  private *globalConditions(now: number): Generator<Condition> {
    const { rules, signals } = this;
    const costWindow = rules.costRate.windowMinutes;
    const costRate = (signals.cost.sum(now) * 60) / costWindow;
    yield {
      rule: 'costRate',
      scope: 'global',
      session: null,
      value: costRate,
      message: () => `Spending ${dollars(costRate)}/h over the last ${costWindow} min, ${versus(costRate, rules.costRate.threshold, dollars)} the ${dollars(rules.costRate.threshold)}/h threshold`,
    };

    const spike = rules.toolErrorSpike;
    const errors = signals.toolErrors.sum(now);
    const results = signals.toolResults.sum(now);
    if (results > 0 && errors / results >= spike.minErrorRatio) {
      yield {
        rule: 'toolErrorSpike',
        scope: 'global',
        session: null,
        value: errors,
        message: () => `${errors} of ${results} tool results were errors in the last ${spike.windowMinutes} min, ${versus(errors, spike.threshold)} the threshold of ${spike.threshold}`,
      };
    }

    const parseWindow = rules.parseErrors.windowMinutes;
    const parseErrors = signals.parseErrors.sum(now);
    yield {
      rule: 'parseErrors',
      scope: 'global',
      session: null,
      value: parseErrors,
      message: () => `${plural(parseErrors, 'transcript line problem', 'transcript line problems')} in the last ${parseWindow} min, ${versus(parseErrors, rules.parseErrors.threshold)} the threshold of ${rules.parseErrors.threshold}; see \`claudelens report health\``,
    };
  }

  private *sessionConditions(session: SessionView, now: number): Generator<Condition> {
    const { rules } = this;
    const id = session.sessionId;
    const minutes = thinkingMinutes(session, now);
    if (minutes !== null) {
      yield {
        rule: 'stuckThinking',
        scope: id,
        session,
        value: minutes,
        message: () => `${label(session)} has been thinking for ${minutes} min with no new transcript line, ${versus(minutes, rules.stuckThinking.threshold)} the ${rules.stuckThinking.threshold} min threshold`,
      };
    }

    const live = this.signals.get(id);
    if (!live) return;
    const cost = session.stats.cost;
    yield {
      rule: 'sessionCost',
      scope: id,
      session,
      value: cost,
      message: () => `${label(session)} has cost ${dollars(cost)}, ${versus(cost, rules.sessionCost.threshold, dollars)} the ${dollars(rules.sessionCost.threshold)} threshold`,
    };

    const window = rules.sessionCostRate.windowMinutes;
    const rate = (live.cost.sum(now) * 60) / window;
    yield {
      rule: 'sessionCostRate',
      scope: id,
      session,
      value: rate,
      message: () => `${label(session)} is spending ${dollars(rate)}/h over the last ${window} min, ${versus(rate, rules.sessionCostRate.threshold, dollars)} the ${dollars(rules.sessionCostRate.threshold)}/h threshold`,
    };

    const calls = live.toolCalls.sum(now);
    yield {
      rule: 'toolCallRate',
      scope: id,
      session,
      value: calls,
      message: () => `${label(session)} made ${calls} tool calls in the last minute, ${versus(calls, rules.toolCallRate.threshold)} the threshold of ${rules.toolCallRate.threshold}: a runaway loop?`,
    };

    for (const [tool, streak] of live.streaks) {
      const run = Math.max(streak.peak, streak.current);
      yield {
        rule: 'toolFailureStreak',
        scope: `${id}:${tool}`,
        session,
        value: run,
        message: () => `${tool} failed ${run} times in a row in ${label(session)}, ${versus(run, rules.toolFailureStreak.threshold)} the threshold of ${rules.toolFailureStreak.threshold}`,
      };
    }
  }

  /** Whether the session's stuckThinking condition holds now. */
  private stuck(session: SessionView, now: number): boolean {
    const minutes = thinkingMinutes(session, now);
    return minutes !== null && this.holds('stuckThinking', minutes);
  }

  /** Whether a condition of the rule with this value holds: the rule is on and the value reaches its threshold. */
  private holds(rule: RuleName, value: number): boolean {
    const settings = this.rules[rule];
    return settings.enabled && round(value, 6) >= settings.threshold;
  }
}

/** Minutes a thinking session has gone without progress (a long turn that keeps writing lines is working, not stuck). */
function thinkingMinutes(session: SessionView, now: number): number | null {
  if (session.status !== 'thinking' || session.thinkingSinceMs === null) return null;
  return round((now - Math.max(session.thinkingSinceMs, session.lastActivityMs)) / MINUTE_MS, 1);
}

/** The condition an alert fired for (rule and scope): the same on every node that sees it. */
export function conditionKey(alert: Alert): string {
  return alert.id.slice(0, alert.id.lastIndexOf(':'));
}

function keyOf(condition: Condition): string {
  return `${RULE_IDS[condition.rule]}:${condition.scope}`;
}

function toAlert(condition: Condition, rules: AlertRules, now: number): Alert {
  return {
    // Unique: a key fires at most once per cooldown, and cooldowns are at least a second.
    id: `${keyOf(condition)}:${now}`,
    rule: RULE_IDS[condition.rule],
    severity: RULE_SEVERITY[condition.rule],
    message: condition.message(),
    session_id: condition.session?.sessionId ?? null,
    project: condition.session?.project ?? null,
    value: round(condition.value, 4),
    threshold: rules[condition.rule].threshold,
    triggered_at: new Date(now).toISOString(),
    acknowledged: false,
  };
}

function label(session: SessionView): string {
  const project = session.project?.split(/[\\/]/).filter(Boolean).pop();
  return `session ${session.sessionId.slice(0, 8)}${project ? ` (${project})` : ''}`;
}

/** A rule fires at its threshold (>=): "at" when the value reads as the threshold ($10.004 is "$10.00"), else "above". */
function versus(value: number, threshold: number, format: (n: number) => string = String): string {
  return round(value, 6) > threshold && format(value) !== format(threshold) ? 'above' : 'at';
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function dollars(value: number): string {
  return `$${value.toFixed(2)}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
