// The alert engine's rules, one describe per rule, on one injected clock and one session builder.
// Over 300 lines: each rule's firing, latching and cooldown cases share those two helpers; split
// per rule, every file would repeat them.
import { AlertSchema, type Alert } from '@claudelens/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertsConfigSchema } from '../../config/alertsConfig.js';
import type { ToolResult, ToolUse, TranscriptEntry } from '../entry.js';
import { liveLine, type LiveInput } from '../live/liveInput.js';
import { LiveState, type LiveEvent } from '../live/liveState.js';
import { AlertEngine, type SessionView } from './alertEngine.js';
import type { AlertRules, RuleName } from './alertRules.js';

const MIN = 60_000;
let clock = 0;
let uuid = 0;
const iso = (ms: number) => new Date(ms).toISOString();
const RULES: RuleName[] = ['costRate', 'sessionCostRate', 'sessionCost', 'toolCallRate', 'toolFailureStreak', 'toolErrorSpike', 'stuckThinking', 'parseErrors'];

/** Every rule off but the ones given: a test sees only its own rule. Defaults come from the config schema. */
function rules(on: Partial<Record<RuleName, Record<string, unknown>>>): AlertRules {
  return AlertsConfigSchema.parse(Object.fromEntries(RULES.map((name) => [name, { enabled: false, ...(on[name] ? { enabled: true, ...on[name] } : {}) }])));
}

function engine(on: Partial<Record<RuleName, Record<string, unknown>>>): AlertEngine {
  return new AlertEngine(rules(on), () => clock);
}

function message(sessionId: string, o: { cost?: number; at?: number; toolUses?: ToolUse[]; toolResults?: ToolResult[] } = {}): LiveEvent {
  return {
    kind: 'message',
    sessionId,
    project: '/home/me/shop',
    lineType: o.toolResults ? 'user' : 'assistant',
    message: { uuid: `u${++uuid}`, author: o.toolResults ? 'tool' : 'assistant', timestamp: iso(o.at ?? clock), preview: '' },
    cost: o.cost ?? 0,
    toolUses: o.toolUses ?? [],
    toolResults: o.toolResults ?? [],
  };
}

function session(sessionId: string, over: Partial<SessionView> = {}): SessionView {
  return { sessionId, project: '/home/me/shop', status: 'active', thinkingSinceMs: null, lastActivityMs: clock, stats: { cost: 0 }, ...over };
}

/** Evaluates and checks every alert against the wire schema. */
function evaluate(alerts: AlertEngine, sessions: Iterable<SessionView> = []): Alert[] {
  const fired = alerts.evaluate(sessions);
  for (const alert of fired) expect(AlertSchema.parse(alert)).toEqual(alert);
  return fired;
}

const calls = (ids: string[], name = 'Bash'): ToolUse[] => ids.map((id) => ({ id, name }));
const results = (ids: string[], isError: boolean): ToolResult[] => ids.map((toolUseId) => ({ toolUseId, isError }));

beforeEach(() => {
  clock = Date.parse('2026-03-01T10:00:00Z');
});

describe('AlertEngine', () => {
  it('cost rate, all sessions: fires once at the threshold, clears as the window empties, fires again after the cooldown', () => {
    const alerts = engine({ costRate: { threshold: 10, windowMinutes: 10, cooldownSeconds: 600 } });
    alerts.observe([message('s1', { cost: 1 }), message('s2', { cost: 0.5 })]);
    expect(evaluate(alerts)).toEqual([]); // $1.50 in 10 min = $9/h
    alerts.observe([message('s2', { cost: 0.25 })]);
    const [first, ...rest] = evaluate(alerts);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ rule: 'cost_rate', session_id: null, project: null, value: 10.5, threshold: 10, acknowledged: false, triggered_at: iso(clock) });
    expect(first?.message).toBe('Spending $10.50/h over the last 10 min, above the $10.00/h threshold');
    clock += 1000;
    alerts.observe([message('s1', { cost: 5 })]);
    expect(evaluate(alerts)).toEqual([]); // still holding: no spam
    clock += 10 * MIN;
    expect(evaluate(alerts)).toEqual([]); // cleared
    alerts.observe([message('s1', { cost: 2 })]);
    const [again] = evaluate(alerts);
    expect(again).toMatchObject({ rule: 'cost_rate', value: 12 });
    expect(again?.id).not.toBe(first?.id);
  });

  it('cost rate, per session: names the session and its project', () => {
    const alerts = engine({ sessionCostRate: { threshold: 10, windowMinutes: 10 } });
    alerts.observe([message('s1-aaaaaaaa-long', { cost: 2 }), message('s2', { cost: 0.5 })]);
    const fired = evaluate(alerts, [session('s1-aaaaaaaa-long'), session('s2')]);
    expect(fired).toMatchObject([{ rule: 'session_cost_rate', session_id: 's1-aaaaaaaa-long', project: '/home/me/shop', value: 12, severity: 'warning' }]);
    expect(fired[0]?.message).toBe('session s1-aaaaa (shop) is spending $12.00/h over the last 10 min, above the $10.00/h threshold');
    expect(fired[0]?.id).toBe(`session_cost_rate:s1-aaaaaaaa-long:${clock}`);
  });

  it('session over $Y: only sessions live since start-up; an ended session that resumes alerts again', () => {
    const alerts = engine({ sessionCost: { threshold: 5, cooldownSeconds: 60 } });
    const rich = session('s1', { stats: { cost: 6 } });
    expect(evaluate(alerts, [rich])).toEqual([]); // seeded from the store, nothing live yet
    alerts.observe([{ kind: 'stats', sessionId: 's1', changes: [{ stat: 'cost', value: 6, delta: 0.1 }] }]);
    const [fired] = evaluate(alerts, [rich]);
    expect(fired).toMatchObject({ rule: 'session_cost', session_id: 's1', value: 6, threshold: 5 });
    expect(fired?.message).toBe('session s1 (shop) has cost $6.00, above the $5.00 threshold');
    const close = engine({ sessionCost: { threshold: 5 } });
    close.observe([{ kind: 'stats', sessionId: 's2', changes: [{ stat: 'cost', value: 5.004, delta: 0.1 }] }]);
    expect(evaluate(close, [session('s2', { stats: { cost: 5.004 } })])[0]?.message).toBe('session s2 (shop) has cost $5.00, at the $5.00 threshold');
    clock += 10 * MIN;
    expect(evaluate(alerts, [rich])).toEqual([]);
    alerts.observe([{ kind: 'ended', sessionId: 's1', project: null }]);
    expect(evaluate(alerts, [{ ...rich, status: 'ended' }])).toEqual([]);
    alerts.observe([message('s1')]);
    expect(evaluate(alerts, [rich])).toMatchObject([{ rule: 'session_cost' }]);
  });

  it('runaway loop: N tool calls in a minute, by line time', () => {
    const alerts = engine({ toolCallRate: { threshold: 6, cooldownSeconds: 60 } });
    alerts.observe([message('s1', { at: clock - 2 * MIN, toolUses: calls(['o1', 'o2', 'o3']) })]); // too old to count
    alerts.observe([message('s1', { toolUses: calls(['a', 'b']) }), message('s1', { toolUses: calls(['c', 'd']) })]);
    expect(evaluate(alerts, [session('s1')])).toEqual([]);
    alerts.observe([message('s1', { toolUses: calls(['e', 'f'], 'Read') })]);
    expect(evaluate(alerts, [session('s1')])).toMatchObject([{ rule: 'tool_call_rate', session_id: 's1', value: 6, severity: 'critical' }]);
    alerts.observe([message('s1', { toolUses: calls(['g']) })]);
    expect(evaluate(alerts, [session('s1')])).toEqual([]);
    clock += MIN;
    expect(evaluate(alerts, [session('s1')])).toEqual([]); // cleared
    alerts.observe([message('s1', { toolUses: calls(['h', 'i', 'j', 'k', 'l', 'm']) })]);
    expect(evaluate(alerts, [session('s1')])).toHaveLength(1);
  });

  it('the same tool failing K times in a row; a success of that tool clears it', () => {
    const alerts = engine({ toolFailureStreak: { threshold: 3, cooldownSeconds: 60 } });
    const s1 = [session('s1')];
    alerts.observe([message('s1', { toolUses: [...calls(['b1', 'b2', 'b3', 'b4']), { id: 'r1', name: 'Read' }] })]);
    alerts.observe([message('s1', { toolResults: results(['b1', 'b2'], true) })]);
    alerts.observe([message('s1', { toolResults: results(['r1'], true) })]); // another tool: neither counts nor breaks the run
    alerts.observe([message('s1', { toolResults: results(['unseen'], true) })]); // its call predates us: no tool to blame
    expect(evaluate(alerts, s1)).toEqual([]);
    alerts.observe([message('s1', { toolResults: results(['b3'], true) })]);
    const fired = evaluate(alerts, s1);
    expect(fired).toMatchObject([{ rule: 'tool_failure_streak', session_id: 's1', value: 3, threshold: 3 }]);
    expect(fired[0]?.id).toBe(`tool_failure_streak:s1:Bash:${clock}`);
    expect(fired[0]?.message).toBe('Bash failed 3 times in a row in session s1 (shop), at the threshold of 3');
    alerts.observe([message('s1', { toolResults: results(['b4'], false) })]);
    clock += MIN;
    expect(evaluate(alerts, s1)).toEqual([]); // cleared, cooled down
    // A run that reaches K and ends between two evaluations still fires.
    alerts.observe([
      message('s1', { toolUses: calls(['c1', 'c2', 'c3', 'c4']) }),
      message('s1', { toolResults: results(['c1', 'c2', 'c3'], true) }),
      message('s1', { toolResults: results(['c4'], false) }),
    ]);
    expect(evaluate(alerts, s1)).toMatchObject([{ rule: 'tool_failure_streak', value: 3 }]);
  });

  it('tool-error spike: enough errors, and enough of the results', () => {
    const alerts = engine({ toolErrorSpike: { threshold: 3, minErrorRatio: 0.5, windowMinutes: 5 } });
    alerts.observe([message('s1', { toolResults: [...results(['a', 'b', 'c'], true), ...results(['d', 'e', 'f', 'g'], false)] })]);
    expect(evaluate(alerts)).toEqual([]); // 3 of 7: under half
    alerts.observe([message('s2', { toolResults: results(['h'], true) })]);
    expect(evaluate(alerts)).toMatchObject([{ rule: 'tool_error_spike', session_id: null, value: 4 }]);
    expect(evaluate(alerts)).toEqual([]);
  });

  it('transcript parse errors in a window', () => {
    const alerts = engine({ parseErrors: { threshold: 2, windowMinutes: 10, cooldownSeconds: 60 } });
    alerts.observeParseErrors(1);
    expect(evaluate(alerts)).toEqual([]);
    clock += MIN;
    alerts.observeParseErrors(1);
    expect(evaluate(alerts)).toMatchObject([{ rule: 'parse_errors', severity: 'info', value: 2 }]);
    clock += 10 * MIN;
    expect(evaluate(alerts)).toEqual([]);
    alerts.observeParseErrors(5);
    expect(evaluate(alerts)).toMatchObject([{ rule: 'parse_errors', value: 5 }]);
  });

  it('a disabled rule never fires; ids never repeat', () => {
    const quiet = engine({});
    quiet.observe([message('s1', { cost: 1000, toolUses: calls(Array.from({ length: 500 }, (_, i) => `t${i}`)) })]);
    quiet.observeParseErrors(100);
    expect(evaluate(quiet, [session('s1', { stats: { cost: 1000 }, status: 'thinking', thinkingSinceMs: 0, lastActivityMs: 0 })])).toEqual([]);

    const loud = engine({ costRate: { threshold: 1, cooldownSeconds: 1 }, parseErrors: { threshold: 1, cooldownSeconds: 1, windowMinutes: 1 } });
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      if (i % 2 === 0) {
        loud.observe([message('s1', { cost: 10 })]);
        loud.observeParseErrors(1);
      } else clock += 16 * MIN;
      for (const alert of evaluate(loud)) ids.add(alert.id);
    }
    expect(ids.size).toBe(20);
  });
});

describe('AlertEngine fed by the real LiveState', () => {
  const state = () => new LiveState({ idleAfterMs: 2 * MIN, endedAfterMs: 30 * MIN }, () => clock);
  function entry(over: Partial<TranscriptEntry>): TranscriptEntry {
    return {
      byteOffset: 0, byteLength: 1, lineNo: 1, lineType: 'assistant', uuid: `e${++uuid}`, parentUuid: null, sessionId: 's1',
      timestamp: iso(clock), cwd: '/p', gitBranch: null, version: null, agentId: '', isSidechain: false, isMeta: false,
      author: 'assistant', preview: '', toolUses: [], toolResults: [], model: null, request: null, priced: null, isApiError: false,
      ...over,
    };
  }
  const input = (entries: TranscriptEntry[]): LiveInput => ({ lines: entries.map(liveLine), costByLine: new Map(), usageDeltas: new Map(), sessions: [] });

  it('a session thinking with no new line for T minutes is stuck; one that keeps working is not', () => {
    const live = state();
    const alerts = engine({ stuckThinking: { threshold: 10, cooldownSeconds: 60 } });
    const step = (entries: TranscriptEntry[]) => {
      alerts.observe(live.apply(input(entries)));
      return evaluate(alerts, live.all());
    };
    const tick = () => {
      alerts.observe(live.tick());
      return evaluate(alerts, live.all());
    };
    // Working: a tool call and its result every minute for 15 minutes, thinking throughout.
    for (let i = 0; i < 15; i++) {
      expect(step([entry({ toolUses: [{ id: `w${i}`, name: 'Bash' }] })])).toEqual([]);
      clock += 30_000;
      expect(step([entry({ lineType: 'user', author: 'tool', toolResults: [{ toolUseId: `w${i}`, isError: false }] })])).toEqual([]);
      clock += 30_000;
    }
    expect(live.get('s1')?.status).toBe('thinking');
    // Then nothing: stuck after 10 minutes (relative to the last line, 30 s ago).
    clock += 9 * MIN;
    expect(tick()).toEqual([]);
    clock += 30_000;
    expect(tick()).toMatchObject([{ rule: 'stuck_thinking', session_id: 's1', project: '/p', value: 10 }]);
    clock += MIN;
    expect(tick()).toEqual([]);
    // A new line: no longer stuck (cleared); stuck again later fires again.
    expect(step([entry({ lineType: 'user', author: 'user', preview: 'hello?' })])).toEqual([]);
    clock += 10 * MIN;
    expect(tick()).toMatchObject([{ rule: 'stuck_thinking', value: 10 }]);
  });

  it('the timer evaluates only the sessions time may change, and fires exactly what evaluating every session fires', () => {
    // Two engines fed the same events, evaluated after each commit on the sessions it touched (as
    // AlertMonitor does); on the timer one skips sessions with no events, no latched key and not
    // stuck, the other evaluates every session. Random load over 12 sessions, every rule on.
    const on = { threshold: 2, cooldownSeconds: 90 };
    const config = {
      costRate: { threshold: 40, windowMinutes: 1, cooldownSeconds: 90 },
      sessionCostRate: { ...on, threshold: 6, windowMinutes: 1 },
      sessionCost: { ...on, threshold: 3 },
      toolCallRate: on,
      toolFailureStreak: on,
      toolErrorSpike: { threshold: 3, windowMinutes: 1, cooldownSeconds: 90, minErrorRatio: 0.3 },
      stuckThinking: on,
    };
    const live = state();
    const skipping = engine(config);
    const everyone = engine(config);
    const ids = Array.from({ length: 12 }, (_, i) => `s${i}`);
    const all = new Set(ids);
    const totals = new Map(ids.map((id) => [id, { messages: 0, cost: 0 }]));
    const pendingTools = new Map<string, string[]>();
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const fired: string[] = [];
    const both = (a: Alert[], b: Alert[]) => {
      expect(a).toEqual(b);
      fired.push(...a.map((alert) => alert.rule));
    };
    for (let step = 0; step < 1500; step++) {
      clock += Math.floor(random() * 30_000);
      if (random() < 0.3) {
        const events = live.tick();
        skipping.observe(events);
        everyone.observe(events);
        both(skipping.evaluate(live.all()), everyone.evaluate(live.all(), all));
        continue;
      }
      const sessionId = ids[Math.floor(random() ** 2 * ids.length)] as string; // some sessions far busier than others
      const pending = pendingTools.get(sessionId) ?? [];
      const kind = random();
      const cost = kind < 0.5 ? Math.round(random() * 80) / 100 : 0;
      const line =
        kind < 0.5
          ? entry({ sessionId, toolUses: random() < 0.6 ? [{ id: `t${step}`, name: random() < 0.5 ? 'Bash' : 'Edit' }] : [] })
          : kind < 0.85 && pending.length > 0
            ? entry({ sessionId, lineType: 'user', author: 'tool', toolResults: [{ toolUseId: pending.shift() as string, isError: random() < 0.5 }] })
            : entry({ sessionId, lineType: 'user', author: 'user', preview: 'go on' });
      for (const use of line.toolUses) pending.push(use.id);
      pendingTools.set(sessionId, pending);
      const total = totals.get(sessionId) as { messages: number; cost: number };
      total.messages++;
      total.cost += cost;
      const events = live.apply({
        lines: [liveLine(line)],
        costByLine: new Map([[line.uuid as string, cost]]),
        usageDeltas: new Map(),
        sessions: [{
          sessionId, projectPath: '/p', firstActivity: iso(clock), lastActivity: iso(clock), messageCount: total.messages, toolUseCount: 0,
          inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: total.cost,
        }],
      });
      skipping.observe(events);
      everyone.observe(events);
      const touched = new Set(events.map((e) => e.sessionId));
      both(skipping.evaluate(live.all(), touched), everyone.evaluate(live.all(), touched));
    }
    // Not vacuous: every per-session rule fired, several times.
    for (const rule of ['session_cost', 'session_cost_rate', 'tool_call_rate', 'tool_failure_streak', 'stuck_thinking']) {
      expect(fired.filter((r) => r === rule).length, rule).toBeGreaterThan(2);
    }
  });

  it('tool calls and failures reach the rules through the live events', () => {
    const live = state();
    const alerts = engine({ toolFailureStreak: { threshold: 2 } });
    alerts.observe(live.apply(input([entry({ toolUses: [{ id: 'a', name: 'Edit' }, { id: 'b', name: 'Edit' }] })])));
    alerts.observe(live.apply(input([entry({ lineType: 'user', author: 'tool', toolResults: [{ toolUseId: 'a', isError: true }, { toolUseId: 'b', isError: true }] })])));
    expect(evaluate(alerts, live.all())).toMatchObject([{ rule: 'tool_failure_streak', session_id: 's1', value: 2 }]);
  });
});
