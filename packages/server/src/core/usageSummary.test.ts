import { describe, expect, it } from 'vitest';
import { UsageResponseSchema } from '@claudelens/protocol';
import { NO_TOOL, summariseUsage, UNKNOWN_SUBAGENT_TYPE, windowOf, type UsageRecord } from './usageSummary.js';
import { startOfLocalDate } from './usageTime.js';

const record = (timestamp: string, over: Partial<UsageRecord> = {}): UsageRecord => ({
  timestamp,
  sessionId: 's1',
  agentId: '',
  projectPath: '/home/me/shop',
  model: 'claude-sonnet-4-5',
  inputTokens: 10,
  outputTokens: 20,
  cacheCreationTokens: 30,
  cacheReadTokens: 40,
  cost: 0.3,
  unpriced: false,
  toolNames: [],
  subagentType: null,
  ...over,
});

const options = { group: 'day' as const, timeZone: 'UTC', from: null, to: null, now: Date.parse('2026-03-10T00:00:00Z'), top: 10 };

describe('the first instant of a local date', () => {
  it('follows daylight saving', () => {
    expect(new Date(startOfLocalDate('2026-03-08', 'America/New_York')).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(startOfLocalDate('2026-03-09', 'America/New_York')).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(new Date(startOfLocalDate('2026-01-01', 'Pacific/Kiritimati')).toISOString()).toBe('2025-12-31T10:00:00.000Z');
    expect(new Date(startOfLocalDate('2026-01-01', 'Asia/Kolkata')).toISOString()).toBe('2025-12-31T18:30:00.000Z');
    expect(windowOf('2026-03-08', '2026-03-08', 'America/New_York')).toEqual({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z' });
  });
});

describe('summariseUsage', () => {
  it('lists every day of the range, empty ones too, in the time zone asked for', () => {
    const records = [record('2026-03-08T03:00:00Z'), record('2026-03-09T12:00:00Z', { cost: 1 })];
    const utc = summariseUsage(records, { ...options, from: '2026-03-07', to: '2026-03-10' });
    expect(utc.periods.map((p) => [p.period, p.requests])).toEqual([['2026-03-07', 0], ['2026-03-08', 1], ['2026-03-09', 1], ['2026-03-10', 0]]);
    // 03:00Z on the 8th is still the 7th in New York; that day ended at 05:00Z (EST), the 8th is 23 hours long.
    const ny = summariseUsage(records, { ...options, timeZone: 'America/New_York', from: '2026-03-07', to: '2026-03-08' });
    expect(ny.periods.map((p) => [p.period, p.requests, p.start, p.end])).toEqual([
      ['2026-03-07', 1, '2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z'],
      ['2026-03-08', 0, '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
    ]);
    expect(UsageResponseSchema.parse(ny)).toEqual(ny);
  });

  it('splits a request equally among the tools its line calls, so tools add up to the total', () => {
    const records = [record('2026-03-08T10:00:00Z', { toolNames: ['Read', 'Bash', 'Read'], cost: 0.9 }), record('2026-03-08T11:00:00Z', { cost: 0.1 })];
    const { breakdowns, totals } = summariseUsage(records, options);
    const byTool = Object.fromEntries(breakdowns.tools.map((t) => [t.key, t]));
    expect(byTool.Read?.cost).toBeCloseTo(0.6, 12);
    expect(byTool.Bash?.cost).toBeCloseTo(0.3, 12);
    expect(byTool[NO_TOOL]?.cost).toBeCloseTo(0.1, 12);
    expect(byTool.Read?.requests).toBe(1); // called twice on the one line: two shares of one request
    expect(breakdowns.tools.reduce((n, t) => n + t.cost, 0)).toBeCloseTo(totals.cost, 12);
    expect(breakdowns.tools.reduce((n, t) => n + t.totalTokens, 0)).toBeCloseTo(totals.totalTokens, 9);
  });

  it('breaks down by model, project, session and agent, and gives the cache hit ratio', () => {
    const records = [
      record('2026-03-08T10:00:00Z', { model: 'opus', cost: 2, projectPath: '/a' }),
      record('2026-03-08T10:01:00Z', { agentId: 'a1', sessionId: 's2', projectPath: '/b' }),
      record('2026-03-08T10:02:00Z', { model: 'mystery', unpriced: true, cost: 0 }),
    ];
    const body = summariseUsage(records, { ...options, top: 1 });
    expect(body.breakdowns.models.map((m) => m.key)).toEqual(['opus', 'claude-sonnet-4-5', 'mystery']);
    expect(body.breakdowns.projects.map((p) => [p.key, p.requests])).toEqual([['/a', 1], ['/b', 1], ['/home/me/shop', 1]]);
    expect(body.breakdowns.sessions.map((s) => s.key)).toEqual(['s1']);
    expect(body.breakdowns.agents.map((a) => [a.key, a.sessionId])).toEqual([['main', undefined], ['a1', 's2']]);
    expect(body.totals.unpricedModels).toEqual(['mystery']);
    expect(body.totals.cacheHitRatio).toBeCloseTo(40 / 80, 12);
  });

  it('breaks down by subagent type: main, each type, unknown for an unlinked run; they add up to the totals', () => {
    const records = [
      record('2026-03-08T10:00:00Z', { cost: 1 }),
      record('2026-03-08T10:01:00Z', { agentId: 'a1', subagentType: 'Explore', cost: 0.25 }),
      record('2026-03-08T10:02:00Z', { agentId: 'a2', subagentType: 'Explore', cost: 0.5 }),
      record('2026-03-08T10:03:00Z', { agentId: 'a3', subagentType: 'code-reviewer', cost: 2 }),
      record('2026-03-08T10:04:00Z', { agentId: 'sidechain', cost: 0.125 }),
    ];
    const { breakdowns, totals } = summariseUsage(records, options);
    expect(breakdowns.subagentTypes.map((t) => [t.key, t.requests, t.cost])).toEqual([
      ['code-reviewer', 1, 2],
      ['main', 1, 1],
      ['Explore', 2, 0.75],
      [UNKNOWN_SUBAGENT_TYPE, 1, 0.125],
    ]);
    expect(breakdowns.subagentTypes.reduce((n, t) => n + t.cost, 0)).toBe(totals.cost);
  });

  it('groups by 5-hour block as ccusage does, with gaps', () => {
    const records = [record('2026-03-08T10:20:00Z'), record('2026-03-08T14:00:00Z'), record('2026-03-08T22:00:00Z')];
    const body = summariseUsage(records, { ...options, group: 'block' });
    expect(body.blocks.map((b) => [b.startTime, b.isGap, b.entries])).toEqual([
      ['2026-03-08T10:00:00.000Z', false, 2],
      ['2026-03-08T19:00:00.000Z', true, 0],
      ['2026-03-08T22:00:00.000Z', false, 1],
    ]);
    expect(body.periods.map((p) => [p.period, p.requests])).toEqual([['2026-03-08T10:00:00.000Z', 2], ['2026-03-08T22:00:00.000Z', 1]]);
  });
});
