import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '@claudelens/protocol';
import { SessionReportSchema } from '@claudelens/protocol';
import { backfill } from '../src/ingest/backfill.js';
import { FIXTURE_HOME, ORACLE, openContext, runCli, tempDir } from './helpers.js';

interface Expected {
  sessionId: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalCost: number;
  unpricedModels: string[];
}

const expected = (JSON.parse(fs.readFileSync(ORACLE, 'utf8')) as { sessions: Expected[] }).sessions;

function expectOracle(sessions: SessionSummary[]): void {
  const byId = new Map(sessions.map((s) => [s.sessionId, s]));
  for (const want of expected) {
    const got = byId.get(want.sessionId);
    expect(got, want.sessionId).toBeDefined();
    expect({ ...got, totalCost: 0 }).toMatchObject({
      sessionId: want.sessionId,
      requests: want.requests,
      inputTokens: want.inputTokens,
      outputTokens: want.outputTokens,
      cacheCreationTokens: want.cacheCreationTokens,
      cacheReadTokens: want.cacheReadTokens,
      unpricedModels: want.unpricedModels,
    });
    expect(Math.abs((got?.totalCost ?? 0) - want.totalCost), want.sessionId).toBeLessThanOrEqual(0.000001);
  }
  // Sessions the oracle does not list made no API requests (only prompts, summaries, snapshots).
  for (const extra of sessions.filter((s) => !expected.some((e) => e.sessionId === s.sessionId))) {
    expect(extra.requests, extra.sessionId).toBe(0);
  }
}

describe('accounting on the real corpus equals the oracle (ccusage 20.0.24 agrees)', () => {
  it('in-process backfill', async () => {
    const ctx = openContext();
    await backfill(ctx, [FIXTURE_HOME], { workers: 0 });
    expectOracle(await ctx.store.sessions());
    await ctx.store.close();
  });

  describe('the CLI, with worker threads, twice', () => {
    const dataDir = tempDir();
    let first: SessionSummary[];

    beforeAll(async () => {
      const imported = await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir]);
      expect(imported.stderr).not.toMatch(/Error|at /);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/imported 117 files, 14\.0 MB, 3919 lines/);
      const report = await runCli(['report', 'sessions', '--json', '--data-dir', dataDir]);
      first = SessionReportSchema.parse(JSON.parse(report.stdout)).sessions;
    });
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('report sessions --json equals the oracle per session', () => {
      expectOracle(first);
      expect(first.reduce((n, s) => n + s.requests, 0)).toBe(1199);
    });

    it('a second import adds nothing', async () => {
      const again = await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir]);
      expect(again.stdout).toMatch(/imported 117 files, 14\.0 MB, 0 lines/);
      const report = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--data-dir', dataDir])).stdout));
      expect(report.sessions).toEqual(first);
    });

    it('rolls subagent usage into the parent session and keeps it per agent', () => {
      // 2.1.x layout: <session>/subagents/agent-*.jsonl
      const worktrees = first.find((s) => s.sessionId === 'ef958aa1-0e93-49f0-bb71-150f63befcd1');
      expect(worktrees?.agents.length).toBeGreaterThan(0);
      for (const session of first) {
        const agentTokens = session.agents.reduce((n, a) => n + a.outputTokens, 0);
        expect(agentTokens).toBeLessThanOrEqual(session.outputTokens);
      }
      // 2.0.x flat agent-*.jsonl files carry the parent's sessionId
      const flat = first.find((s) => s.sessionId === '5ed31c36-bca8-40fd-8d24-f1a1f0af7901');
      expect(flat?.agents.map((a) => a.agentId).sort()).toEqual(['c3d572ee', 'c63fe96c']);
      // 1.0.x inline sidechains
      expect(first.find((s) => s.sessionId.startsWith('fe5e1c67'))?.agents.map((a) => a.agentId)).toEqual(['sidechain']);
    });

    it('takes the project from cwd and lists every model a session used', () => {
      const mixed = first.filter((s) => s.models.length > 1);
      expect(mixed.length).toBeGreaterThan(0);
      // Sessions made only of subagent files still get their project from those lines.
      for (const s of first.filter((x) => x.requests > 0)) expect(s.projectPath, s.sessionId).toBeTruthy();
      expect(first.find((s) => s.sessionId.startsWith('5ed31c36'))?.projectPath).toBe('/Users/dain/workspace/danieldemmel.me-next');
    });
  });
});
