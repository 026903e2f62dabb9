// GET /api/v1/usage on the fixture corpus: its periods and totals are the reports' (which equal
// ccusage, cliUsageReports.test.ts), its breakdowns add up to its totals, and bad queries are 400s.
import { spawn } from 'node:child_process';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlocksReportSchema, DailyReportSchema, ErrorBodySchema, MonthlyReportSchema, UsageResponseSchema, WeeklyReportSchema, type UsageResponse } from '@claudelens/protocol';
import { registerUsageRoutes } from '../src/api/usageRoutes.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';
import type { Store } from '../src/store/repository.js';
import { CLI, copyFixtureHome, FIXTURE_HOME, runCli, tempDir, waitFor } from './helpers.js';

const MICRO_DOLLAR = 0.000001;
const TOTAL_COST = 39.1095529; // fixtures/oracle
const dataDir = tempDir();
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  expect((await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir])).code).toBe(0);
  store = openSqliteStore(dataDir);
  app = Fastify();
  registerUsageRoutes(app, { store, now: () => Date.parse('2026-12-01T00:00:00Z') });
}, 60_000);

afterAll(async () => {
  await app.close();
  await store.close();
});

async function usage(query: string): Promise<UsageResponse> {
  const response = await app.inject({ method: 'GET', url: `/api/v1/usage?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return UsageResponseSchema.parse(response.json());
}

async function report(args: string[]): Promise<unknown> {
  const result = await runCli(['report', ...args, '--json', '--data-dir', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('GET /api/v1/usage', () => {
  for (const tz of ['UTC', 'America/New_York']) {
    it(`has the reports' periods and totals, by day, week and month, in ${tz}`, async () => {
      const reports = {
        day: DailyReportSchema.parse(await report(['daily', '--timezone', tz])).daily,
        week: WeeklyReportSchema.parse(await report(['weekly', '--timezone', tz])).weekly,
        month: MonthlyReportSchema.parse(await report(['monthly', '--timezone', tz])).monthly,
      };
      for (const group of ['day', 'week', 'month'] as const) {
        const body = await usage(`group=${group}&tz=${encodeURIComponent(tz)}`);
        const used = body.periods.filter((p) => p.requests > 0);
        const expected = reports[group];
        expect(used.map((p) => p.period)).toEqual(expected.map((p) => p.period));
        for (const [i, p] of used.entries()) {
          const want = expected[i];
          expect([p.inputTokens, p.outputTokens, p.cacheCreationTokens, p.cacheReadTokens, p.totalTokens]).toEqual([want?.inputTokens, want?.outputTokens, want?.cacheCreationTokens, want?.cacheReadTokens, want?.totalTokens]);
          expect(Math.abs(p.cost - (want?.totalCost ?? 0))).toBeLessThanOrEqual(MICRO_DOLLAR);
          expect(p.models.map((m) => m.key).sort()).toEqual(want?.modelsUsed);
        }
        expect(Math.abs(body.totals.cost - TOTAL_COST)).toBeLessThanOrEqual(MICRO_DOLLAR);
        expect(body.totals.requests).toBe(1199);
      }
    }, 60_000);
  }

  it('has the blocks report\'s blocks', async () => {
    const body = await usage('group=block&tz=UTC');
    const blocks = BlocksReportSchema.parse(await report(['blocks', '--timezone', 'UTC'])).blocks;
    expect(body.blocks.map((b) => [b.id, b.entries, b.totalTokens])).toEqual(blocks.map((b) => [b.id, b.entries, b.totalTokens]));
    expect(body.periods.map((p) => p.period)).toEqual(blocks.filter((b) => !b.isGap).map((b) => b.startTime));
    expect(body.periods.reduce((n, p) => n + p.requests, 0)).toBe(1199);
  });

  it('breaks the totals down by model, project, agent and tool, each adding up to them', async () => {
    const body = await usage('group=month');
    for (const [name, slices] of Object.entries(body.breakdowns)) {
      if (name === 'sessions') continue; // the top 10 only
      expect(Math.abs(slices.reduce((n, s) => n + s.cost, 0) - body.totals.cost), name).toBeLessThanOrEqual(MICRO_DOLLAR);
      expect(Math.round(slices.reduce((n, s) => n + s.totalTokens, 0)), name).toBe(body.totals.totalTokens);
    }
    expect(body.breakdowns.sessions).toHaveLength(10);
    expect(body.breakdowns.agents[0]?.key).toBe('main');
    expect(body.breakdowns.agents.length).toBeGreaterThan(5);
    expect(body.breakdowns.tools.map((t) => t.key)).toEqual(expect.arrayContaining(['Bash', 'Read', '(no tool)']));
    expect(body.totals.cacheHitRatio).toBeCloseTo(45_664_316 / (85_878 + 2_915_825 + 45_664_316), 12);
  });

  it('breaks a session with subagents down by subagent type: main, then the types, adding up to the subagents\' cost', async () => {
    // fixtures/oracle: ef958aa1, the only session of this project, started six general-purpose agents (2.1.114 Agent calls).
    const body = await usage('group=month&project=-experiments/worktrees');
    expect(Math.abs(body.totals.cost - 5.4513175)).toBeLessThanOrEqual(MICRO_DOLLAR);
    const types = body.breakdowns.subagentTypes;
    expect(types.map((t) => t.key).sort()).toEqual(['general-purpose', 'main']);
    const subagents = body.breakdowns.agents.filter((a) => a.key !== 'main');
    expect(subagents).toHaveLength(6);
    const sub = (slices: typeof types) => slices.filter((s) => s.key !== 'main').reduce((n, s) => n + s.cost, 0);
    expect(Math.abs(sub(types) - sub(subagents))).toBeLessThanOrEqual(MICRO_DOLLAR);
    expect(sub(types)).toBeGreaterThan(0);
    expect(types.find((t) => t.key === 'main')?.cost).toBe(body.breakdowns.agents.find((a) => a.key === 'main')?.cost);
    // Across the corpus: runs not linked to their call (warm-ups, 1.0.x inline sidechains) are `unknown`.
    const all = await usage('group=month');
    expect(all.breakdowns.subagentTypes.map((t) => t.key)).toEqual(expect.arrayContaining(['main', 'general-purpose', 'Explore', 'unknown']));
  });

  it('takes a range of local dates, a project and a model', async () => {
    const november = await usage('from=2025-11-01&to=2025-11-30&tz=America/New_York');
    expect(november.periods.map((p) => p.period)).toHaveLength(30);
    expect(november.periods[0]?.start).toBe('2025-11-01T04:00:00.000Z'); // EDT
    expect(november.periods.at(-1)?.end).toBe('2025-12-01T05:00:00.000Z'); // EST
    const daily = DailyReportSchema.parse(await report(['daily', '--timezone', 'America/New_York', '--since', '20251101', '--until', '20251130']));
    expect(Math.abs(november.totals.cost - daily.totals.totalCost)).toBeLessThanOrEqual(MICRO_DOLLAR);
    expect(november.totals.totalTokens).toBe(daily.totals.totalTokens);

    const music = await usage('project=ai-music');
    expect(music.breakdowns.projects.map((p) => p.key)).toEqual(['/Users/chip/dev/ai-music']);
    const opus = await usage('model=claude-opus-4-7');
    expect(opus.breakdowns.models.map((m) => m.key)).toEqual(['claude-opus-4-7']);
    expect(opus.totals.requests).toBeGreaterThan(0);
  });

  it('refuses a bad query with a 400 naming the parameter', async () => {
    for (const [query, parameter] of [['group=year', 'group'], ['tz=Mars/Olympus', 'tz'], ['from=yesterday', 'from'], ['from=2026-02-01&to=2026-01-01', 'from'], ['top=0', 'top']]) {
      const response = await app.inject({ method: 'GET', url: `/api/v1/usage?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(ErrorBodySchema.parse(response.json()).error.parameter).toBe(parameter);
    }
  });
});

describe('GET /api/v1/usage on a running serve', () => {
  it('answers from what serve stored', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--claude-dir', copyFixtureHome(), '--data-dir', tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const url = await waitFor(() => /"msg":"live".*?"url":"([^"]+)"|"url":"([^"]+)".*?"msg":"live"/.exec(stdout)?.slice(1).find(Boolean), 30_000, 'serve to be live');
      const body = UsageResponseSchema.parse(await (await fetch(`${url}/api/v1/usage?group=day&tz=UTC`)).json());
      expect(Math.abs(body.totals.cost - TOTAL_COST)).toBeLessThanOrEqual(MICRO_DOLLAR);
      expect(body.totals.requests).toBe(1199);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 60_000);
});
