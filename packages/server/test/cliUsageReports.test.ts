// `claudelens report daily|weekly|monthly|blocks --json` against ccusage 20.0.24 itself, run live on
// the same transcripts (it is a devDependency; a run takes about a second): every period's tokens
// exact and cost within a micro-dollar, in UTC and in a zone with daylight saving.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BlocksReportSchema, DailyReportSchema, MonthlyReportSchema, WeeklyReportSchema, type PeriodUsage, type UsageBlock } from '@claudelens/protocol';
import { assistantLine, FIXTURE_HOME, REPO_ROOT, runCli, tempDir, userLine } from './helpers.js';

const CCUSAGE = path.join(REPO_ROOT, 'node_modules', 'ccusage', 'src', 'cli.js');
const MICRO_DOLLAR = 0.000001;
const schemas = { daily: DailyReportSchema, weekly: WeeklyReportSchema, monthly: MonthlyReportSchema };
type Kind = keyof typeof schemas;

async function ccusage(claudeHome: string, args: string[]): Promise<unknown> {
  // An empty HOME: ccusage 20 also reads other agents' folders under it (~/.codex, …).
  const home = tempDir('claudelens-ccusage-home-');
  const { stdout } = await promisify(execFile)(process.execPath, [CCUSAGE, ...args, '--json', '--offline'], {
    env: { ...process.env, CLAUDE_CONFIG_DIR: claudeHome, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

async function ours(dataDir: string, args: string[]): Promise<unknown> {
  const result = await runCli(['report', ...args, '--json', '--data-dir', dataDir]);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

function expectSamePeriods(actual: PeriodUsage[], expected: PeriodUsage[]): void {
  expect(actual.map((p) => p.period)).toEqual(expected.map((p) => p.period));
  for (const [i, want] of expected.entries()) {
    const got = actual[i] as PeriodUsage;
    const { totalCost, modelBreakdowns, ...tokens } = want;
    expect({ ...got, totalCost: undefined, modelBreakdowns: undefined }, want.period).toEqual({ ...tokens, totalCost: undefined, modelBreakdowns: undefined });
    expect(Math.abs(got.totalCost - totalCost), `${want.period} cost`).toBeLessThanOrEqual(MICRO_DOLLAR);
    expect(got.modelBreakdowns.map((m) => ({ ...m, cost: undefined }))).toEqual(modelBreakdowns.map((m) => ({ ...m, cost: undefined })));
    for (const [j, m] of modelBreakdowns.entries()) expect(Math.abs((got.modelBreakdowns[j]?.cost ?? 0) - m.cost)).toBeLessThanOrEqual(MICRO_DOLLAR);
  }
}

function expectSameBlocks(actual: UsageBlock[], expected: UsageBlock[]): void {
  expect(actual.map((b) => b.id)).toEqual(expected.map((b) => b.id));
  for (const [i, want] of expected.entries()) {
    const got = actual[i] as UsageBlock;
    expect({ ...got, costUSD: undefined }, want.id).toEqual({ ...want, costUSD: undefined });
    expect(Math.abs(got.costUSD - want.costUSD), `${want.id} cost`).toBeLessThanOrEqual(MICRO_DOLLAR);
  }
}

describe('usage reports equal ccusage 20.0.24 on the fixture corpus', () => {
  const dataDir = tempDir();
  beforeAll(async () => {
    expect((await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir])).code).toBe(0);
  }, 60_000);

  for (const timeZone of ['UTC', 'America/New_York']) {
    for (const kind of ['daily', 'weekly', 'monthly'] as const satisfies Kind[]) {
      it(`${kind} in ${timeZone}`, async () => {
        const args = [kind, '--timezone', timeZone];
        const [mine, theirs] = await Promise.all([ours(dataDir, args), ccusage(FIXTURE_HOME, args)]);
        const a = schemas[kind].parse(mine) as Record<Kind, PeriodUsage[]> & { totals: PeriodUsage };
        const b = schemas[kind].parse(theirs) as Record<Kind, PeriodUsage[]> & { totals: PeriodUsage };
        expect(a[kind].length).toBeGreaterThan(5);
        expectSamePeriods(a[kind], b[kind]);
        expect({ ...a.totals, totalCost: 0 }).toEqual({ ...b.totals, totalCost: 0 });
        expect(Math.abs(a.totals.totalCost - b.totals.totalCost)).toBeLessThanOrEqual(MICRO_DOLLAR);
      }, 60_000);
    }

    it(`daily with --since and --until (ccusage's YYYYMMDD) in ${timeZone}`, async () => {
      const args = ['daily', '--timezone', timeZone, '--since', '20251101', '--until', '20251130'];
      const [mine, theirs] = await Promise.all([ours(dataDir, args), ccusage(FIXTURE_HOME, args)]);
      const a = DailyReportSchema.parse(mine).daily;
      expect(a.length).toBeGreaterThan(3);
      expect(a.every((p) => p.period.startsWith('2025-11'))).toBe(true);
      expectSamePeriods(a, DailyReportSchema.parse(theirs).daily);
    }, 60_000);

    it(`blocks in ${timeZone}, all and from a date`, async () => {
      for (const extra of [[], ['--since', '20251101']]) {
        const args = ['blocks', '--timezone', timeZone, ...extra];
        const [mine, theirs] = await Promise.all([ours(dataDir, args), ccusage(FIXTURE_HOME, args)]);
        const a = BlocksReportSchema.parse(mine).blocks;
        expect(a.some((b) => b.isGap)).toBe(true);
        expectSameBlocks(a, BlocksReportSchema.parse(theirs).blocks);
      }
    }, 60_000);
  }

  it('puts a request on the day of the line whose usage counts, as ccusage does', async () => {
    // One request over two lines either side of midnight UTC: the later, larger line wins, and
    // with it its timestamp (ccusage 20 does the same; 18.x kept the first line).
    const home = tempDir('claudelens-home-');
    const sessionId = '3f1e2d4c-1111-4222-8333-444455556666';
    const folder = path.join(home, 'projects', '-tmp-midnight');
    fs.mkdirSync(folder, { recursive: true });
    const ids = { sessionId, messageId: 'msg_016NKAkrjLnQ9uZ4CjZxXhny', requestId: 'req_011CaBJf8dESNhntiWJ5sBRi', cwd: '/tmp/midnight' };
    const u = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;
    fs.writeFileSync(
      path.join(folder, `${sessionId}.jsonl`),
      [
        userLine({ sessionId, uuid: u(0), timestamp: '2026-03-01T23:59:50.000Z', text: 'hi', cwd: ids.cwd }),
        assistantLine({ ...ids, uuid: u(1), parentUuid: u(0), timestamp: '2026-03-01T23:59:59.000Z', output: 1 }),
        assistantLine({ ...ids, uuid: u(2), parentUuid: u(1), timestamp: '2026-03-02T00:00:05.000Z', output: 100 }),
      ].join('\n') + '\n',
    );
    const data = tempDir();
    expect((await runCli(['import', '--claude-dir', home, '--data-dir', data])).code).toBe(0);
    const args = ['daily', '--timezone', 'UTC'];
    const [mine, theirs] = await Promise.all([ours(data, args), ccusage(home, args)]);
    const expected = DailyReportSchema.parse(theirs).daily;
    expect(expected.map((p) => [p.period, p.outputTokens])).toEqual([['2026-03-02', 100]]);
    expectSamePeriods(DailyReportSchema.parse(mine).daily, expected);
  }, 60_000);
});

describe('the active block, as ccusage 20.0.24 sees it now', () => {
  it('has the same burn rate, projection and token-limit status', async () => {
    const home = tempDir('claudelens-home-');
    const sessionId = '7c0ffee0-2222-4333-8444-555566667777';
    const folder = path.join(home, 'projects', '-tmp-active');
    fs.mkdirSync(folder, { recursive: true });
    const now = Date.now();
    // A block two days ago (the largest past block, for --token-limit max) and three requests in the last hour.
    const minutesAgo = [2 * 24 * 60 + 30, 2 * 24 * 60 + 10, 50, 25, 5];
    const lines = minutesAgo.map((ago, i) =>
      assistantLine({
        sessionId,
        cwd: '/tmp/active',
        uuid: `bbbbbbbb-0000-4000-8000-00000000000${i}`,
        parentUuid: i === 0 ? null : `bbbbbbbb-0000-4000-8000-00000000000${i - 1}`,
        messageId: `msg_01ActiveBlockTest00000${i}`,
        requestId: `req_011ActiveBlockTest0000${i}`,
        timestamp: new Date(now - ago * 60_000).toISOString(),
        input: 1000 * (i + 1),
        output: 20_000 * (i + 1),
      }),
    );
    fs.writeFileSync(path.join(folder, `${sessionId}.jsonl`), `${lines.join('\n')}\n`);
    const data = tempDir();
    expect((await runCli(['import', '--claude-dir', home, '--data-dir', data])).code).toBe(0);
    // 'max' is the largest finished block among those shown: none with --active, 63,000 tokens without.
    for (const extra of [['--active', '--token-limit', '100000'], ['--active', '--token-limit', 'max'], ['--token-limit', 'max']]) {
      const args = ['blocks', ...extra];
      const [mine, theirs] = await Promise.all([ours(data, args), ccusage(home, args)]);
      const a = BlocksReportSchema.parse(mine).blocks.at(-1);
      const b = BlocksReportSchema.parse(theirs).blocks.at(-1);
      expect(a?.isActive).toBe(true);
      expect(b?.isActive).toBe(true);
      // Both ran within a second or two of each other: the projection may differ by that much.
      expect(a?.burnRate).toEqual(b?.burnRate);
      expect(a?.projection?.totalCost).toBeCloseTo(b?.projection?.totalCost ?? -1, 1);
      expect(Math.abs((a?.projection?.remainingMinutes ?? 0) - (b?.projection?.remainingMinutes ?? 99))).toBeLessThanOrEqual(1);
      expect(Math.abs((a?.projection?.totalTokens ?? 0) - (b?.projection?.totalTokens ?? 0)) / (b?.projection?.totalTokens ?? 1)).toBeLessThan(0.01);
      expect(a?.tokenLimitStatus?.limit).toBe(b?.tokenLimitStatus?.limit);
      expect(a?.tokenLimitStatus?.status).toBe(b?.tokenLimitStatus?.status);
      expect({ ...a, projection: null, tokenLimitStatus: null, burnRate: null }).toEqual({ ...b, projection: null, tokenLimitStatus: null, burnRate: null });
    }
  }, 60_000);
});
