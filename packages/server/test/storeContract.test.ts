// The Store contract: the same behaviour, checked the same way, on every driver. SQLite runs in
// a temp dir; PostgreSQL in fresh databases on the local server (pgDatabase.ts), which must be
// reachable: these tests fail, never skip, without it.
// Over 300 lines: one contract, run on both drivers by one describe; split, the two would drift.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '@claudelens/protocol';
import { loadPriceBook } from '../src/config/prices.js';
import { costOf, type ModelPrice } from '../src/core/pricing.js';
import { ZERO_USAGE } from '../src/core/usage.js';
import { backfill } from '../src/ingest/backfill.js';
import { describeFile, discoverTranscripts, type FileRef } from '../src/ingest/discover.js';
import type { IngestContext } from '../src/ingest/ingestSource.js';
import { readSource } from '../src/ingest/readSource.js';
import { openStore, type StoreSpec } from '../src/store/openStore.js';
import { OFFSET_MOVED, type IngestBatch, type SourceState, type Store, type UsageBucket, type UsageRequest } from '../src/store/repository.js';
import { assistantLine, copyFixtureHome, emptyHome, FIXTURE_HOME, ingestEachBatch, ORACLE, tempDir, userLine } from './helpers.js';
import { createTestDatabase, type TestDatabase } from './pgDatabase.js';

interface Driver {
  name: string;
  /** Several nodes may share the store, so source leases are real (SQLite: always owned). */
  shared: boolean;
  /** A new, empty store location: open it as often as needed, each open a separate instance. */
  create(): Promise<StoreSpec>;
  /** Removes every location `create` made. */
  cleanup(): Promise<void>;
}

function sqliteDriver(): Driver {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    shared: false,
    async create() {
      const dataDir = tempDir('claudelens-contract-');
      dirs.push(dataDir);
      return { kind: 'sqlite', dataDir };
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDriver(): Driver {
  const databases: TestDatabase[] = [];
  return {
    name: 'postgres',
    shared: true,
    async create() {
      const db = await createTestDatabase();
      databases.push(db);
      return { kind: 'postgres', url: db.url };
    },
    async cleanup() {
      for (const db of databases.splice(0)) await db.drop();
    },
  };
}

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
const prices = loadPriceBook(null);

function expectOracle(sessions: SessionSummary[]): void {
  const byId = new Map(sessions.map((s) => [s.sessionId, s]));
  for (const want of expected) {
    const got = byId.get(want.sessionId);
    expect(got, want.sessionId).toMatchObject({ ...want, totalCost: expect.any(Number) });
    expect(Math.abs((got?.totalCost ?? 0) - want.totalCost), want.sessionId).toBeLessThanOrEqual(0.000001);
  }
  for (const extra of sessions.filter((s) => !expected.some((e) => e.sessionId === s.sessionId))) expect(extra.requests, extra.sessionId).toBe(0);
}

/** Sessions by id with costs rounded: sums of the same costs in another order differ in the last bits. */
function comparable(sessions: SessionSummary[]) {
  const round = (cost: number) => Math.round(cost * 1e9);
  return [...sessions]
    .sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1))
    .map((s) => ({ ...s, totalCost: round(s.totalCost), agents: s.agents.map((a) => ({ ...a, totalCost: round(a.totalCost) })) }));
}

/** Every batch of the fixture corpus read from byte 0, against this store's source ids; files in discovery order. */
async function corpusBatches(store: Store): Promise<IngestBatch[][]> {
  const { files } = await discoverTranscripts(FIXTURE_HOME);
  const sources = await store.sources(files);
  return files.map((file, i) => {
    const from = sources[i];
    if (!from) throw new Error(`no source for ${file.relPath}`);
    const reads = [...readSource(file, { ...from, offset: 0, lineCount: 0, tail: Buffer.alloc(0) }, { prices })];
    return reads.flatMap((read) => (read.kind === 'batch' ? [read.batch] : []));
  });
}

function groups<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

const session = 'c0a1c0a1-0000-4000-8000-000000000001';
/** A real claude-opus-4-7 line of Claude Code 2.1.x, with `server_tool_use` and `inference_geo` (all zero/empty). */
const REAL_OPUS_LINE = fs
  .readFileSync(path.join(FIXTURE_HOME, 'projects/-experiments-worktrees/ef958aa1-0e93-49f0-bb71-150f63befcd1/subagents/agent-a4ca7529859c158c2.jsonl'), 'utf8')
  .split('\n')[2] as string;
/** Every link in the fixture corpus: session, agent id, subagent type (sorted). */
const SUBAGENT_LINKS = [
  '29ccd257-68b1-427f-ae5f-6524b7cb6f20 a2271d1 Explore',
  'a7da6a22-facc-4fcd-8bab-f83c87862004 c8d9b115 Explore',
  'b3edadab-bca0-4054-9b41-f7ffa6941260 a434715 general-purpose',
  'cb2e607c-c758-415a-8b45-c49e4631906a ea02459f Plan',
  'ef958aa1-0e93-49f0-bb71-150f63befcd1 a36efb2a1231c41e2 general-purpose',
  'ef958aa1-0e93-49f0-bb71-150f63befcd1 a4ca7529859c158c2 general-purpose',
  'ef958aa1-0e93-49f0-bb71-150f63befcd1 a52886dc180afb356 general-purpose',
  'ef958aa1-0e93-49f0-bb71-150f63befcd1 a6aa8ad077d9ea083 general-purpose',
  'ef958aa1-0e93-49f0-bb71-150f63befcd1 ab1e6e141221a29ab general-purpose',
  'ef958aa1-0e93-49f0-bb71-150f63befcd1 aef063ba534d73153 general-purpose',
];

const ts = (second: number) => new Date(Date.UTC(2026, 0, 2, 3, 4, second)).toISOString();

describe.each([sqliteDriver(), postgresDriver()])('store contract: $name', (driver) => {
  const opened: Store[] = [];
  const open = async (spec: StoreSpec): Promise<Store> => {
    const store = await openStore(spec);
    opened.push(store);
    return store;
  };
  const context = (store: Store): IngestContext & { store: Store } => ({ store, prices });
  /** One transcript in a fresh claude dir, read into a fresh store by `ingest()`. */
  async function transcript(lines: string[], spec?: StoreSpec) {
    const { home, projectDir } = emptyHome();
    const file = path.join(projectDir, `${session}.jsonl`);
    fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    const ctx = context(await open(spec ?? (await driver.create())));
    const ref = describeFile(home, `-tmp-demo/${session}.jsonl`);
    return {
      home,
      file,
      ctx,
      ingest: () => ingestEachBatch(ctx, ref),
      append: (line: string) => fs.appendFileSync(file, `${line}\n`),
      source: async () => (await ctx.store.sources([ref]))[0] as SourceState,
      /** The whole file read again from byte 0, as batches: lines the store already holds. */
      reread: async () => {
        const source = (await ctx.store.sources([ref]))[0] as SourceState;
        const reads = [...readSource(ref, { ...source, offset: 0, lineCount: 0, tail: Buffer.alloc(0) }, { prices })];
        return reads.flatMap((r) => (r.kind === 'batch' ? [r.batch] : []));
      },
    };
  }

  afterAll(async () => {
    // Dropped even if a store fails to close: FORCE ends the connections left.
    await Promise.allSettled(opened.splice(0).map((store) => store.close()));
    await driver.cleanup();
  });

  describe('on the fixture corpus', () => {
    let spec: StoreSpec;
    let store: Store;
    let all: SessionSummary[];

    beforeAll(async () => {
      spec = await driver.create();
      store = await open(spec);
      await backfill(context(store), [FIXTURE_HOME], { workers: 0 });
      all = await store.sessions();
    });

    it('equals the oracle after a backfill', async () => {
      expectOracle(all);
      expect(all.reduce((n, s) => n + s.requests, 0)).toBe(1199);
      expect(await store.counts()).toEqual({ files: 117, lines: 3919, sessions: all.length, requests: 1199, problems: 0 });
      // Most recent first; sessions without activity last.
      const times = all.map((s) => s.lastActivity ?? '');
      expect(times).toEqual([...times].sort().reverse());
    });

    it('counts messages per second since a time as the sessions\' own messages say, from any time', async () => {
      const messages = (await Promise.all(all.map((s) => store.recentMessages(s.sessionId, 1_000_000)))).flat();
      const times = [...new Set(all.map((s) => s.lastActivity).filter((t): t is string => t !== null))].sort();
      const sinces = [times[0]!, times[Math.floor(times.length / 2)]!, times.at(-2)!, times.at(-1)!, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z'];
      for (const since of sinces) {
        const expected = new Map<string, number>();
        for (const m of messages) {
          if (m.timestamp === null || m.timestamp < since || (m.lineType !== 'user' && m.lineType !== 'assistant')) continue;
          const at = m.timestamp.slice(0, 19);
          expected.set(at, (expected.get(at) ?? 0) + 1);
        }
        const counted = (await store.activitySince(since)).filter((s) => s.messages > 0).map((s) => [s.at, s.messages]);
        expect(counted, since).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
      }
    });

    it('lists every request for usage reports: the sessions\' totals, in time order, filtered by time, project and model', async () => {
      const rows = await store.usageRequests({});
      expect(rows).toHaveLength(1199);
      const times = rows.map((r) => r.timestamp);
      expect(times).toEqual([...times].sort());
      // Summed per session, they are the session totals (the oracle's figures).
      for (const s of all.filter((x) => x.requests > 0)) {
        const mine = rows.filter((r) => r.sessionId === s.sessionId);
        expect(mine.length, s.sessionId).toBe(s.requests);
        expect(mine.reduce((n, r) => n + r.outputTokens + r.inputTokens + r.cacheCreationTokens + r.cacheReadTokens, 0)).toBe(s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens);
        expect(Math.abs(mine.reduce((n, r) => n + r.cost, 0) - s.totalCost)).toBeLessThanOrEqual(0.000001);
        expect(mine.every((r) => r.projectPath === s.projectPath)).toBe(true);
      }
      const [from, to] = ['2025-11-01T00:00:00.000Z', '2025-12-01T00:00:00.000Z'];
      expect(await store.usageRequests({ from, to })).toEqual(rows.filter((r) => r.timestamp >= from && r.timestamp < to));
      expect(await store.usageRequests({ project: 'AI-MUSIC' })).toEqual(rows.filter((r) => r.projectPath?.toLowerCase().includes('ai-music')));
      expect(await store.usageRequests({ model: 'claude-opus-4-7' })).toEqual(rows.filter((r) => r.model === 'claude-opus-4-7'));
      expect(rows.some((r) => r.agentId !== '')).toBe(true);
      expect(rows.some((r) => r.toolNames.length > 0)).toBe(true);
    });

    it("gives each subagent run's request the type its parent's Task/Agent call started it as (docs/usage.md)", async () => {
      const rows = await store.usageRequests({});
      const linked = new Set(rows.filter((r) => r.subagentType !== null).map((r) => `${r.sessionId} ${r.agentId} ${r.subagentType}`));
      // From the fixtures by hand: the tool_use's subagent_type, and the result line's toolUseResult.agentId.
      expect([...linked].sort()).toEqual(SUBAGENT_LINKS.filter((l) => rows.some((r) => `${r.sessionId} ${r.agentId}` === l.split(' ').slice(0, 2).join(' '))));
      expect(rows.filter((r) => r.sessionId === 'ef958aa1-0e93-49f0-bb71-150f63befcd1' && r.agentId !== '').every((r) => r.subagentType === 'general-purpose')).toBe(true);
      expect(rows.filter((r) => r.agentId === '').every((r) => r.subagentType === null)).toBe(true);
    });

    it('sums the same requests per UTC minute and model for reports: tokens exact, cost within a micro-dollar, a request on the hour alone', async () => {
      const bucketsOf = (rows: UsageRequest[]) => {
        const byKey = new Map<string, UsageBucket>();
        for (const r of rows) {
          const key = `${r.timestamp.slice(0, 16)}|${r.timestamp.slice(14) === '00:00.000Z'}|${r.model}`;
          const b = byKey.get(key);
          if (!b) byKey.set(key, { timestamp: r.timestamp, lastTimestamp: r.timestamp, model: r.model, inputTokens: r.inputTokens, outputTokens: r.outputTokens, cacheCreationTokens: r.cacheCreationTokens, cacheReadTokens: r.cacheReadTokens, cost: r.cost, entries: 1 });
          else {
            b.lastTimestamp = r.timestamp;
            b.inputTokens += r.inputTokens;
            b.outputTokens += r.outputTokens;
            b.cacheCreationTokens += r.cacheCreationTokens;
            b.cacheReadTokens += r.cacheReadTokens;
            b.cost += r.cost;
            b.entries += 1;
          }
        }
        return [...byKey.values()].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.model < b.model ? -1 : 1));
      };
      const same = (got: UsageBucket[], want: UsageBucket[]) => {
        expect(got.map((b) => ({ ...b, cost: 0 }))).toEqual(want.map((b) => ({ ...b, cost: 0 })));
        for (const [i, b] of want.entries()) expect(Math.abs((got[i]?.cost ?? 0) - b.cost)).toBeLessThanOrEqual(0.000001);
      };
      const rows = await store.usageRequests({});
      const all = await store.usageBuckets({});
      expect(all.length).toBeLessThan(rows.length);
      expect(all.reduce((n, b) => n + b.entries, 0)).toBe(rows.length);
      same(all, bucketsOf(rows));
      const [from, to] = ['2025-11-01T00:00:00.000Z', '2025-12-01T00:00:00.000Z'];
      same(await store.usageBuckets({ from, to }), bucketsOf(await store.usageRequests({ from, to })));
      same(await store.usageBuckets({ project: 'AI-MUSIC' }), bucketsOf(await store.usageRequests({ project: 'AI-MUSIC' })));
      same(await store.usageBuckets({ model: 'claude-opus-4-7' }), bucketsOf(await store.usageRequests({ model: 'claude-opus-4-7' })));
    });

    it('filters sessions by project (a case-insensitive part of the path) and by last activity', async () => {
      const part = 'claude-code-log';
      const inProject = all.filter((s) => s.projectPath?.toLowerCase().includes(part));
      expect(inProject.length).toBeGreaterThan(1);
      // Sessions with the same last activity may come in either order.
      expect(comparable(await store.sessions({ project: part }))).toEqual(comparable(inProject));
      expect(comparable(await store.sessions({ project: part.toUpperCase() }))).toEqual(comparable(inProject));
      const exact = inProject[0]?.projectPath as string;
      expect(comparable(await store.sessions({ project: exact }))).toEqual(comparable(all.filter((s) => s.projectPath?.includes(exact))));
      const since = all[Math.floor(all.length / 2)]?.lastActivity as string;
      expect(comparable(await store.sessions({ since }))).toEqual(comparable(all.filter((s) => (s.lastActivity ?? '') >= since)));
      expect(await store.sessions({ project: 'no such project' })).toEqual([]);
    });

    it('pages through a session’s messages once each, in time order', async () => {
      const target = 'fe5e1c67-53e7-4862-81ae-d0e013e3270b';
      const pages = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.messages(target, { after, limit: 7 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(7);
        pages.push(...page);
        after = page.at(-1)?.cursor;
      }
      expect(pages.length).toBeGreaterThan(20);
      expect(new Set(pages.map((m) => m.uuid)).size).toBe(pages.length);
      const times = pages.map((m) => m.timestamp ?? '');
      expect(times).toEqual([...times].sort());
      expect(pages.some((m) => m.isSidechain && m.agentId === 'sidechain')).toBe(true);
      expect(pages.every((m) => m.location.claudeDir === FIXTURE_HOME && m.location.relPath.endsWith('.jsonl'))).toBe(true);
      const dialogue = pages.filter((m) => m.lineType === 'user' || m.lineType === 'assistant');
      expect((await store.recentMessages(target, 5)).map((m) => m.uuid)).toEqual(dialogue.slice(-5).map((m) => m.uuid));
      expect(await store.messages('no-such-session', { limit: 10 })).toEqual([]);
    });

    it('finds one message of a session by its uuid, as its page has it', async () => {
      const target = 'fe5e1c67-53e7-4862-81ae-d0e013e3270b';
      const page = await store.messages(target, { limit: 20 });
      const message = page[13];
      expect(message).toBeDefined();
      expect(await store.message(target, message?.uuid as string)).toEqual(message);
      expect(await store.message(target, 'no-such-uuid')).toBeUndefined();
      expect(await store.message('no-such-session', message?.uuid as string)).toBeUndefined();
    });

    it('gives session totals, one session, its models and its summary as the list has them', async () => {
      const since = all[5]?.lastActivity as string;
      const active = await store.sessionTotals(since);
      expect(active.map((t) => t.sessionId).sort()).toEqual(all.filter((s) => (s.lastActivity ?? '') >= since).map((s) => s.sessionId).sort());
      for (const summary of all.slice(0, 8)) {
        const totals = await store.session(summary.sessionId);
        expect(totals).toEqual({
          sessionId: summary.sessionId,
          projectPath: summary.projectPath,
          firstActivity: summary.firstActivity,
          lastActivity: summary.lastActivity,
          messageCount: summary.messageCount,
          toolUseCount: summary.toolUseCount,
          requests: summary.requests,
          inputTokens: summary.inputTokens,
          outputTokens: summary.outputTokens,
          cacheCreationTokens: summary.cacheCreationTokens,
          cacheReadTokens: summary.cacheReadTokens,
          cost: summary.totalCost,
        });
        expect(await store.sessionModels(summary.sessionId)).toEqual([...summary.models].sort());
        expect(await store.sessionSummary(summary.sessionId)).toEqual(summary);
        // Per model: the same requests, split; the parts add up to the session's totals.
        const byModel = await store.sessionModelTotals(summary.sessionId);
        expect(byModel.map((m) => m.model).sort()).toEqual([...summary.models].sort());
        const sum = (key: 'requests' | 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens') => byModel.reduce((n, m) => n + m[key], 0);
        expect([sum('requests'), sum('inputTokens'), sum('outputTokens'), sum('cacheCreationTokens'), sum('cacheReadTokens')]).toEqual([
          summary.requests,
          summary.inputTokens,
          summary.outputTokens,
          summary.cacheCreationTokens,
          summary.cacheReadTokens,
        ]);
        expect(byModel.reduce((n, m) => n + m.totalCost, 0)).toBeCloseTo(summary.totalCost, 8);
      }
      expect(await store.session('no-such-session')).toBeUndefined();
      expect(await store.sessionSummary('no-such-session')).toBeUndefined();
    });

    it('pages through sessions by position, with filters', async () => {
      const seen: SessionSummary[] = [];
      let after: { lastActivity: string | null; sessionId: string } | undefined;
      for (;;) {
        const page = await store.sessionPage({ after, limit: 9 });
        if (page.length === 0) break;
        seen.push(...page);
        const last = page.at(-1) as SessionSummary;
        after = { lastActivity: last.lastActivity, sessionId: last.sessionId };
      }
      expect(comparable(seen)).toEqual(comparable(all));
      const order = seen.map((s) => `${s.lastActivity ?? ''} ${s.sessionId}`);
      expect(order).toEqual([...order].sort().reverse());
      const project = all[0]?.projectPath as string;
      const ids = all.slice(0, 4).map((s) => s.sessionId);
      expect((await store.sessionPage({ project, limit: 100 })).every((s) => s.projectPath === project)).toBe(true);
      expect((await store.sessionPage({ onlyIds: ids, limit: 100 })).map((s) => s.sessionId).sort()).toEqual([...ids].sort());
      expect((await store.sessionPage({ exceptIds: ids, limit: 100 })).some((s) => ids.includes(s.sessionId))).toBe(false);
      const until = all[3]?.lastActivity as string;
      expect((await store.sessionPage({ until, limit: 100 })).every((s) => (s.lastActivity ?? '') < until)).toBe(true);
    });

    it('totals projects from their sessions', async () => {
      const projects = await store.projects();
      const paths = new Set(all.flatMap((s) => (s.projectPath ? [s.projectPath] : [])));
      expect(projects.map((p) => p.path).sort()).toEqual([...paths].sort());
      for (const p of projects) {
        const of = all.filter((s) => s.projectPath === p.path);
        expect(p.sessions).toBe(of.length);
        expect(p.messages).toBe(of.reduce((n, s) => n + s.messageCount, 0));
        expect(p.cost).toBeCloseTo(of.reduce((n, s) => n + s.totalCost, 0), 9);
      }
    });

    // Last but one: it writes to the store the tests above read.
    it('re-applying batches already stored changes nothing', async () => {
      const before = await store.counts();
      const batches = (await corpusBatches(store)).flat();
      expect(batches.reduce((n, b) => n + b.entries.length, 0)).toBeGreaterThan(3000);
      for (const group of groups(batches, 50)) {
        const applied = await store.applyBatches(group);
        expect(applied).toMatchObject({ newEntries: [], requestChanges: [], problems: 0 });
      }
      expect(comparable(await store.sessions())).toEqual(comparable(all));
      expect(await store.counts()).toEqual(before);
    });

    it('two writers applying overlapping batches at once leave what one clean import leaves', async () => {
      const shared = await driver.create();
      const first = await open(shared);
      const second = await open(shared);
      const files = await corpusBatches(first);
      // Both read every file, in opposite orders and differently grouped, and commit as they go.
      const write = async (s: Store, batches: IngestBatch[], size: number) => {
        for (const group of groups(batches, size)) await s.applyBatches(group);
      };
      await Promise.all([write(first, files.flat(), 40), write(second, [...files].reverse().flat(), 27)]);
      const sessions = await first.sessions();
      expectOracle(sessions);
      expect(comparable(sessions)).toEqual(comparable(all));
      expect(await second.counts()).toEqual(await store.counts());
    });
  });

  it('registers new files with the state it later reads back, and gives known files their stored state, in the order asked', async () => {
    const t = await transcript([userLine({ sessionId: session, uuid: 'u-1', text: 'hi', timestamp: ts(1) })]);
    await t.ingest();
    const read = await t.source();
    const fresh = [describeFile(t.home, '-tmp-demo/new-1.jsonl'), describeFile(t.home, '-tmp-demo/new-2.jsonl')];
    const first = await t.ctx.store.sources([fresh[0]!, describeFile(t.home, `-tmp-demo/${session}.jsonl`), fresh[1]!]);
    expect(first[1]).toEqual(read);
    expect(read.offset).toBe(fs.statSync(t.file).size);
    for (const [i, at] of [[0, 0], [1, 2]] as const) {
      expect(first[at]).toMatchObject({ claudeDir: t.home, relPath: fresh[i]!.relPath, offset: 0, lineCount: 0, ino: 0, size: 0 });
      expect(first[at]!.tail.length).toBe(0);
    }
    expect(new Set(first.map((s) => s.id)).size).toBe(3);
    expect(await t.ctx.store.sources(fresh)).toEqual([first[0], first[2]]);
  });

  it('answers callers that ask in the same turn each with their own files, a file two of them ask for registered once', async () => {
    const t = await transcript([userLine({ sessionId: session, uuid: 'u-1', text: 'hi', timestamp: ts(1) })]);
    const file = (name: string): FileRef => describeFile(t.home, `-tmp-demo/new-${name}.jsonl`);
    const [a, b, c] = [file('a'), file('b'), file('c')];
    const [first, second, third] = await Promise.all([t.ctx.store.sources([a, b]), t.ctx.store.sources([b]), t.ctx.store.sources([c, a])]);
    expect(first.map((s) => s.relPath)).toEqual([a.relPath, b.relPath]);
    expect(second).toEqual([first[1]]);
    expect(third.map((s) => s.relPath)).toEqual([c.relPath, a.relPath]);
    expect(third[1]).toEqual(first[0]);
    expect(new Set([...first, ...second, ...third].map((s) => s.id)).size).toBe(3);
    expect(await t.ctx.store.sources([a, b, c])).toEqual([first[0], first[1], third[0]]);
  });

  it('lists the files it holds under the claude dirs asked for, with what their last read saw', async () => {
    const t = await transcript([userLine({ sessionId: session, uuid: 'u-1', text: 'hi', timestamp: ts(1) })]);
    await t.ctx.store.sources([describeFile('/elsewhere', '-tmp-demo/other.jsonl')]);
    await t.source(); // registered, not read yet
    expect(await t.ctx.store.storedFiles([t.home])).toEqual([{ claudeDir: t.home, relPath: `-tmp-demo/${session}.jsonl`, offset: 0, ino: 0, size: 0, mtimeMs: 0 }]);
    await t.ingest();
    const stat = fs.statSync(t.file);
    expect(await t.ctx.store.storedFiles([t.home, '/nowhere'])).toEqual([
      { claudeDir: t.home, relPath: `-tmp-demo/${session}.jsonl`, offset: stat.size, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs },
    ]);
    expect(await t.ctx.store.storedFiles([])).toEqual([]);
  });

  it('counts a request once, and a later line with more output as a correction', async () => {
    const line = (uuid: string, output: number) => assistantLine({ sessionId: session, uuid, messageId: 'msg_1', requestId: 'req_1', output, input: 100, timestamp: ts(1) });
    const t = await transcript([line('a', 5), line('b', 50), line('c', 20)]);
    await t.ingest();
    expect(await t.ctx.store.session(session)).toMatchObject({ requests: 1, inputTokens: 100, outputTokens: 50, messageCount: 3 });
    // A later commit: the stored request is read back and merged.
    t.append(line('d', 30));
    const changes: number[] = [];
    t.ctx.onApplied = (applied) => changes.push(...applied.requestChanges.map((c) => c.delta.outputTokens));
    await t.ingest();
    expect(changes).toEqual([]);
    t.append(line('e', 80));
    await t.ingest();
    expect(changes).toEqual([30]);
    const stored = await t.ctx.store.session(session);
    expect(stored).toMatchObject({ requests: 1, inputTokens: 100, outputTokens: 80, messageCount: 5 });
    // The same lines again: nothing more.
    expect(await t.ctx.store.applyBatches(await t.reread())).toMatchObject({ newEntries: [], requestChanges: [] });
    expect(await t.ctx.store.session(session)).toEqual(stored);
    expect(await t.ctx.store.sessionModels(session)).toEqual(['claude-sonnet-4-5-20250929']);
  });

  it('keeps server tool fees and the US-only premium beside the token cost, which stays as ccusage has it', async () => {
    // A real 2.1.x line (fixture) made to carry two web searches and US-only inference, the way
    // the API reports them (docs/pricing.md); the same line as written is the baseline.
    const real = JSON.parse(REAL_OPUS_LINE) as { sessionId: string; uuid: string; message: { usage: Record<string, unknown> } };
    real.sessionId = session;
    const baseline = await transcript([JSON.stringify(real)]);
    await baseline.ingest();
    const plain = await baseline.ctx.store.sessionSummary(session);
    expect(plain?.extraCharges).toEqual({ webSearchRequests: 0, webFetchRequests: 0, serverToolCost: 0, usOnlyRequests: 0, dataResidencyCost: 0 });

    real.message.usage = { ...real.message.usage, server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 }, inference_geo: 'us' };
    const t = await transcript([JSON.stringify(real)]);
    await t.ingest();
    const got = await t.ctx.store.sessionSummary(session);
    expect(got?.totalCost).toBe(plain?.totalCost);
    expect(got?.extraCharges).toMatchObject({ webSearchRequests: 2, webFetchRequests: 1, usOnlyRequests: 1, serverToolCost: 0.02 });
    // claude-opus-4-7: US-only inference is 1.1x the token price.
    expect(got?.extraCharges?.dataResidencyCost).toBeCloseTo((plain?.totalCost ?? 0) * 0.1, 12);
    expect((await t.ctx.store.sessions()).find((s) => s.sessionId === session)?.extraCharges).toEqual(got?.extraCharges);
    expect((await t.ctx.store.sessionPage({ limit: 10 }))[0]?.extraCharges).toEqual(got?.extraCharges);
  });

  it('lists unpriced models with what they would cost at their family\'s nearest price, or unknown, outside the total', async () => {
    const line = (uuid: string, model: string, output: number) =>
      assistantLine({ sessionId: session, uuid, messageId: `msg_${uuid}`, requestId: `req_${uuid}`, model, output, input: 1000, timestamp: ts(1) });
    const t = await transcript([line('a', 'claude-opus-4-9', 100), line('b', 'claude-opus-4-9', 300), line('c', 'mystery-model-1', 50), line('d', 'claude-opus-4-7', 10)]);
    await t.ingest();
    const got = await t.ctx.store.sessionSummary(session);
    const opus48 = prices.lookup('claude-opus-4-8') as ModelPrice;
    const estimate = costOf({ ...ZERO_USAGE, input: 1000, output: 100 }, opus48) + costOf({ ...ZERO_USAGE, input: 1000, output: 300 }, opus48);
    expect(got?.unpricedModels.sort()).toEqual(['claude-opus-4-9', 'mystery-model-1']);
    expect(got?.unpriced).toEqual([
      { model: 'claude-opus-4-9', requests: 2, estimatedCost: expect.closeTo(estimate, 12), estimateBasis: 'claude-opus-4-8' },
      { model: 'mystery-model-1', requests: 1, estimatedCost: null, estimateBasis: null },
    ]);
    expect(got?.totalCost).toBeCloseTo(costOf({ ...ZERO_USAGE, input: 1000, output: 10 }, prices.lookup('claude-opus-4-7') as ModelPrice), 12);
    expect((await t.ctx.store.sessions()).find((x) => x.sessionId === session)?.unpriced).toEqual(got?.unpriced);
  });

  it.each([
    ['the original first', 'original', false],
    ['the resumed copy first', 'copy', false],
    ['the resumed copy first, in one commit', 'copy', true],
    // As parallel backfill workers may: the original's subagent file is read before its main file.
    ['the resumed copy first, then the original subagent before its main file', 'copy-then-agent', false],
  ] as const)('counts a request found in two sessions once, in the session where it first happened (%s)', async (_label, order, oneCommit) => {
    // A resumed session copies its subagent's lines: here fixture session ef958aa1's subagent file
    // is copied into a second session, its lines' sessionId rewritten (the copy keeps uuids,
    // timestamps, message ids and request ids), beside a main file whose own line comes later.
    const home = copyFixtureHome(['-experiments-worktrees']);
    const project = path.join(home, 'projects', '-experiments-worktrees');
    const original = 'ef958aa1-0e93-49f0-bb71-150f63befcd1';
    const resumed = 'b0b0b0b0-0000-4000-8000-00000000000b';
    const agentFile = 'subagents/agent-a4ca7529859c158c2.jsonl';
    fs.mkdirSync(path.join(project, resumed, 'subagents'), { recursive: true });
    fs.writeFileSync(path.join(project, `${resumed}.jsonl`), `${userLine({ sessionId: resumed, uuid: 'resumed-1', text: 'go on', cwd: '/experiments/worktrees', timestamp: '2026-04-18T16:00:00.000Z' })}\n`);
    const copied = fs.readFileSync(path.join(project, original, agentFile), 'utf8').replaceAll(`"sessionId":"${original}"`, `"sessionId":"${resumed}"`);
    fs.writeFileSync(path.join(project, resumed, agentFile), copied);
    const { files } = await discoverTranscripts(home);
    const ofResumed = (f: { relPath: string }) => f.relPath.includes(resumed);
    const copies = files.filter(ofResumed);
    const originals = files.filter((f) => !ofResumed(f));
    const mainFirst = (a: { relPath: string }, b: { relPath: string }) => Number(a.relPath.includes('/subagents/')) - Number(b.relPath.includes('/subagents/'));
    const ordered =
      order === 'original' ? [...originals, ...copies]
      : order === 'copy' ? [...copies.sort(mainFirst), ...originals.sort(mainFirst)]
      : [...copies.sort(mainFirst), ...originals.sort(mainFirst).reverse()];
    const ctx = context(await open(await driver.create()));
    if (oneCommit) {
      const sources = await ctx.store.sources(ordered);
      const batches = ordered.flatMap((file, i) =>
        [...readSource(file, sources[i] as SourceState, { prices })].flatMap((read) => (read.kind === 'batch' ? [read.batch] : [])),
      );
      await ctx.store.applyBatches(batches);
    } else {
      for (const file of ordered) await ingestEachBatch(ctx, file);
    }

    const want = expected.find((e) => e.sessionId === original) as Expected;
    const got = await ctx.store.sessionSummary(original);
    expect(got).toMatchObject({ ...want, totalCost: expect.any(Number) });
    expect(Math.abs((got?.totalCost ?? 0) - want.totalCost)).toBeLessThanOrEqual(0.000001);
    expect(await ctx.store.sessionSummary(resumed)).toMatchObject({ requests: 0, inputTokens: 0, outputTokens: 0, totalCost: 0 });
  });

  it('refuses, storing nothing, batches that expect another offset than the stored one or a source it does not hold', async () => {
    const line = (uuid: string, output: number) => assistantLine({ sessionId: session, uuid, messageId: `msg_${uuid}`, requestId: `req_${uuid}`, output, input: 100, timestamp: ts(1) });
    const t = await transcript([line('a', 5)]);
    await t.ingest();
    const stored = await t.source();
    t.append(line('b', 7));
    const reads = [...readSource(describeFile(t.home, `-tmp-demo/${session}.jsonl`), stored, { prices })];
    const batch = (reads[0] as { kind: 'batch'; batch: IngestBatch }).batch;
    const before = { counts: await t.ctx.store.counts(), session: await t.ctx.store.session(session) };
    // A reader that remembers a commit the store does not hold (lost, or another writer's).
    await expect(t.ctx.store.applyBatches([{ ...batch, expectOffset: stored.offset - 1 }])).rejects.toThrow(OFFSET_MOVED);
    await expect(t.ctx.store.applyBatches([{ ...batch, expectOffset: stored.offset }, { ...batch, sourceId: stored.id + 1000, expectOffset: 0 }])).rejects.toThrow(OFFSET_MOVED);
    expect(await t.ctx.store.counts()).toEqual(before.counts);
    expect(await t.ctx.store.session(session)).toEqual(before.session);
    expect(await t.source()).toEqual(stored);
    // Where it stands, it applies.
    expect((await t.ctx.store.applyBatches([{ ...batch, expectOffset: stored.offset }])).newEntries).toHaveLength(1);
    expect(await t.ctx.store.session(session)).toMatchObject({ messageCount: 2, outputTokens: 12 });
  });

  it('sums activity per second since a time: messages from user and assistant lines, cost and tokens from requests', async () => {
    const a = (uuid: string, msg: string, at: string) => assistantLine({ sessionId: session, uuid, messageId: msg, requestId: `req_${msg}`, output: 10, input: 100, timestamp: at });
    const t = await transcript([
      userLine({ sessionId: session, uuid: 'u0', text: 'old', timestamp: '2026-01-01T09:59:59.500Z' }),
      userLine({ sessionId: session, uuid: 'u1', text: 'hi', timestamp: '2026-01-01T10:00:00.100Z' }),
      a('a1', 'msg_1', '2026-01-01T10:00:00.900Z'),
      a('a2', 'msg_2', '2026-01-01T10:00:02.000Z'),
    ]);
    await t.ingest();
    const seconds = await t.ctx.store.activitySince('2026-01-01T10:00:00.000Z');
    const cost = ((100 * 3 + 10 * 15) / 1e6); // claude-sonnet-4-5 at $3 and $15 per million
    expect(seconds.map((s) => ({ ...s, cost: Math.round(s.cost * 1e9) / 1e9 }))).toEqual([
      { at: '2026-01-01T10:00:00', messages: 2, cost: Math.round(cost * 1e9) / 1e9, tokens: 110 },
      { at: '2026-01-01T10:00:02', messages: 1, cost: Math.round(cost * 1e9) / 1e9, tokens: 110 },
    ]);
  });

  it('keeps every plan-limit observation, oldest first, and reads them back from a time', async () => {
    const store = await open(await driver.create());
    const base = Date.UTC(2026, 0, 2, 10);
    const reset = base + 5 * 3600_000;
    const first = { observedAtMs: base, sessionId: 's1', sessionCost: 1.25, fiveHour: { usedPercentage: 12.5, resetsAtMs: reset }, sevenDay: { usedPercentage: 3, resetsAtMs: reset + 86_400_000 } };
    const second = { observedAtMs: base + 60_000, sessionId: null, sessionCost: null, fiveHour: { usedPercentage: 14, resetsAtMs: reset }, sevenDay: null };
    const third = { observedAtMs: base + 120_000, sessionId: 's3', sessionCost: 0, fiveHour: null, sevenDay: null };
    for (const o of [first, second, third]) await store.recordLimitObservation(o);
    expect(await store.limitObservations(base)).toEqual([first, second, third]);
    expect(await store.limitObservations(base + 1)).toHaveLength(2);
    expect(await store.limitObservations(base + 121_000)).toEqual([]);
  });

  it('sums what requests cost per project since a time', async () => {
    const a = (uuid: string, msg: string, at: string) => assistantLine({ sessionId: session, uuid, messageId: msg, requestId: `req_${msg}`, output: 10, input: 100, timestamp: at });
    const t = await transcript([a('a1', 'msg_1', '2026-01-01T09:00:00.000Z'), a('a2', 'msg_2', '2026-01-01T10:00:00.000Z'), a('a3', 'msg_3', '2026-01-01T11:00:00.000Z')]);
    await t.ingest();
    const cost = (100 * 3 + 10 * 15) / 1e6;
    const spend = await t.ctx.store.spendByProject('2026-01-01T10:00:00.000Z');
    expect(spend).toHaveLength(1);
    expect(spend[0]?.project).toBe((await t.ctx.store.sessionSummary(session))?.projectPath);
    expect(spend[0]?.cost).toBeCloseTo(2 * cost, 12);
    expect(await t.ctx.store.spendByProject('2026-01-01T12:00:00.000Z')).toEqual([]);
  });

  it("sums the requests since each of several times in one read, dated as reports date them; activity counts a request at its first line", async () => {
    const a = (uuid: string, msg: string, at: string, output: number) => assistantLine({ sessionId: session, uuid, messageId: msg, requestId: `req_${msg}`, output, input: 100, timestamp: at });
    const t = await transcript([
      a('a0', 'msg_0', '2026-01-01T09:00:00.000Z', 10),
      a('a1', 'msg_1', '2026-01-01T10:00:00.000Z', 1),
      a('a1b', 'msg_1', '2026-01-01T10:00:30.000Z', 10), // the same response, its last block
      a('a2', 'msg_2', '2026-01-01T11:00:00.000Z', 10),
    ]);
    await t.ingest();
    const cost = (100 * 3 + 10 * 15) / 1e6;
    const [since9, since10, since1030, later] = await t.ctx.store.usageSince(['2026-01-01T09:00:00.000Z', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.000Z', '2026-01-02T00:00:00.000Z']);
    expect(since9).toMatchObject({ tokens: 330, requests: 3, sessions: 1 });
    expect(since9!.cost).toBeCloseTo(3 * cost, 12);
    expect(since10).toMatchObject({ tokens: 220, requests: 2 });
    // msg_1 is dated by its winning line (10:00:30), as ccusage 20 and the reports date it ...
    expect(since1030).toMatchObject({ tokens: 220, requests: 2 });
    expect(later).toEqual({ cost: 0, tokens: 0, requests: 0, sessions: 0 });
    expect(await t.ctx.store.usageSince([])).toEqual([]);
    // ... and the per-second activity counts it whole at its first line (10:00:00), where the live windows put it.
    const seconds = await t.ctx.store.activitySince('2026-01-01T10:00:00.000Z');
    expect(seconds.filter((s) => s.tokens > 0).map((s) => [s.at, s.tokens])).toEqual([['2026-01-01T10:00:00', 110], ['2026-01-01T11:00:00', 110]]);
  });

  it('many writers correcting one request at once add its largest output once', async () => {
    const spec = await driver.create();
    const writers = await Promise.all(Array.from({ length: 6 }, () => open(spec)));
    const { home, projectDir } = emptyHome();
    const outputs = [20, 50, 30, 50, 45, 10];
    const rounds = 6;
    const batchOf = async (rel: string, line: string) => {
      fs.writeFileSync(path.join(projectDir, path.basename(rel)), `${line}\n`);
      const file = describeFile(home, rel);
      const [source] = await writers[0]!.sources([file]);
      const [read] = [...readSource(file, source as SourceState, { prices })];
      if (read?.kind !== 'batch') throw new Error(`no batch from ${rel}`);
      return read.batch;
    };
    let deltas = 0;
    for (let round = 0; round < rounds; round++) {
      const line = (uuid: string, output: number) => assistantLine({ sessionId: session, uuid, messageId: `msg_${round}`, requestId: `req_${round}`, output, input: 100, timestamp: ts(round) });
      // Even rounds correct a stored request; odd ones race to insert a new one.
      if (round % 2 === 0) await writers[0]!.applyBatches([await batchOf(`-tmp-demo/base-${round}.jsonl`, line(`base-${round}`, 10))]);
      const batches = await Promise.all(outputs.map((output, i) => batchOf(`-tmp-demo/w${i}-${round}.jsonl`, line(`w${i}-${round}`, output))));
      const applied = await Promise.all(batches.map((batch, i) => writers[i]!.applyBatches([batch])));
      deltas += applied.flatMap((a) => a.requestChanges).reduce((n, c) => n + c.delta.outputTokens, 0);
    }
    expect(deltas).toBe((rounds / 2) * (40 + 50));
    expect(await writers[1]!.session(session)).toMatchObject({ requests: rounds, inputTokens: rounds * 100, outputTokens: rounds * 50, messageCount: rounds * 6 + rounds / 2 });
  });

  it('reports new totals, new entries and request deltas for each commit', async () => {
    const t = await transcript([
      userLine({ sessionId: session, uuid: 'u1', text: 'hi', timestamp: ts(1), cwd: '/work/demo' }),
      assistantLine({ sessionId: session, uuid: 'a1', messageId: 'msg_1', requestId: 'req_1', output: 5, timestamp: ts(2), tool: 'Bash' }),
      assistantLine({ sessionId: session, uuid: 'a2', messageId: 'msg_1', requestId: 'req_1', output: 9, timestamp: ts(3) }),
    ]);
    const applied: { entries: number; deltas: number[]; output: number | undefined }[] = [];
    t.ctx.onApplied = (a) => applied.push({ entries: a.newEntries.length, deltas: a.requestChanges.map((c) => c.delta.outputTokens), output: a.sessions[0]?.outputTokens });
    await t.ingest();
    expect(applied).toEqual([{ entries: 3, deltas: [5, 4], output: 9 }]);
    expect(await t.ctx.store.sessionSummary(session)).toMatchObject({
      projectPath: '/work/demo',
      firstActivity: ts(1),
      lastActivity: ts(3),
      messageCount: 3,
      toolUseCount: 1,
      requests: 1,
      outputTokens: 9,
      models: ['claude-sonnet-4-5-20250929'],
      unpricedModels: [],
    });
  });

  it('keeps what was counted when a file is rewritten, and counts its lines afresh', async () => {
    const hologram = (uuid: string) => JSON.stringify({ type: 'hologram', uuid, sessionId: session, timestamp: ts(9) });
    const t = await transcript([
      userLine({ sessionId: session, uuid: 'u1', text: 'first', timestamp: ts(1) }),
      assistantLine({ sessionId: session, uuid: 'a1', messageId: 'msg_1', requestId: 'req_1', output: 10, timestamp: ts(2) }),
      hologram('h1'),
    ]);
    await t.ingest();
    expect((await t.ctx.store.health(10)).unknownLineTypes).toEqual({ hologram: 1 });
    // Replaced by a shorter file: re-read from byte 0.
    fs.writeFileSync(t.file, `${hologram('h2')}\n${assistantLine({ sessionId: session, uuid: 'a2', messageId: 'msg_2', requestId: 'req_2', output: 7, timestamp: ts(3) })}\n`);
    const read = await t.ingest();
    expect(read.rewound).toBe(true);
    expect(await t.ctx.store.session(session)).toMatchObject({ requests: 2, outputTokens: 17, messageCount: 3 });
    const health = await t.ctx.store.health(10);
    expect(health).toMatchObject({ files: 1, lines: 2, unknownLineTypes: { hologram: 1 } });
    const source = await t.source();
    expect(source).toMatchObject({ offset: fs.statSync(t.file).size, lineCount: 2, ino: fs.statSync(t.file).ino, size: fs.statSync(t.file).size });
    expect(source.tail.equals(fs.readFileSync(t.file).subarray(-128))).toBe(true);
    // In memory of its own, not a slice of a shared pool block that it would keep alive.
    expect(source.tail.buffer.byteLength).toBe(128);
  });

  it('lists each problem once, with file and line', async () => {
    const t = await transcript([
      assistantLine({ sessionId: session, uuid: 'a1', messageId: 'msg_1', requestId: 'req_1', timestamp: ts(1) }),
      '{"truncated',
      '[1,2]',
    ]);
    await t.ingest();
    await t.ctx.store.recordFileProblem(t.home, '-tmp-demo/gone.jsonl', 'file-vanished', 'ENOENT');
    await t.ctx.store.recordFileProblem(t.home, '-tmp-demo/gone.jsonl', 'file-vanished', 'ENOENT again');
    // Read again from byte 0: the same problems are not added twice.
    expect((await t.ctx.store.applyBatches(await t.reread())).problems).toBe(0);
    const health = await t.ctx.store.health(10);
    expect(health.problemsByKind).toEqual({ 'invalid-json': 1, 'not-an-object': 1, 'file-vanished': 1 });
    const listed = health.problems.map((p) => ({ file: path.basename(p.file), line: p.line, kind: p.kind, byteOffset: p.byteOffset }));
    expect(listed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))).toEqual([
      { file: 'gone.jsonl', line: null, kind: 'file-vanished', byteOffset: null },
      { file: `${session}.jsonl`, line: 2, kind: 'invalid-json', byteOffset: expect.any(Number) },
      { file: `${session}.jsonl`, line: 3, kind: 'not-an-object', byteOffset: expect.any(Number) },
    ]);
    expect(health.problems[0]?.file).toBe(path.join(t.home, 'projects', '-tmp-demo', 'gone.jsonl'));
    expect((await t.ctx.store.health(1)).problems).toHaveLength(1);
    expect((await t.ctx.store.counts()).problems).toBe(3);
  });

  it('stores text with NUL characters and other oddities', async () => {
    const t = await transcript([
      userLine({ sessionId: session, uuid: 'nul', text: 'before\u0000after', cwd: '/tmp/with\u0000nul', timestamp: ts(1) }),
      userLine({ sessionId: session, uuid: 'emoji', text: 'café 🎉 \\ "quoted" {braces}', timestamp: ts(2) }),
    ]);
    await t.ingest();
    const messages = await t.ctx.store.messages(session, { limit: 10 });
    expect(messages.map((m) => m.uuid)).toEqual(['nul', 'emoji']);
    expect(messages[0]?.preview).toMatch(/^before.after$/);
    expect(messages[1]?.preview).toBe('café 🎉 \\ "quoted" {braces}');
    expect(await t.ctx.store.session(session)).toMatchObject({ messageCount: 2 });
  });

  it('leases claude dirs to one node at a time', async () => {
    const spec = await driver.create();
    const a = (await open(spec)).cluster;
    const b = (await open(spec)).cluster;
    if (!driver.shared) {
      // One node per store: no leases (serve tails every claude dir), and no cluster part to hold them.
      expect([a, b]).toEqual([undefined, undefined]);
      return;
    }
    if (!a || !b) throw new Error('a store shared by nodes has a cluster part');
    const owned = (leases: { claudeDir: string; owned: boolean }[]) => leases.filter((l) => l.owned).map((l) => l.claudeDir);
    expect(owned(await a.claimSources({ nodeId: 'node-a', claudeDirs: ['/d1', '/d2'], ttlSeconds: 60 }))).toEqual(['/d1', '/d2']);
    const fromB = await b.claimSources({ nodeId: 'node-b', claudeDirs: ['/d2', '/d3'], ttlSeconds: 60 });
    expect(fromB.map(({ claudeDir, owned, nodeId }) => ({ claudeDir, owned, nodeId }))).toEqual([
      { claudeDir: '/d2', owned: false, nodeId: 'node-a' },
      { claudeDir: '/d3', owned: true, nodeId: 'node-b' },
    ]);
    expect(Date.parse(fromB[0]?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
    // Renewing keeps a lease; a lease left to expire (ttl 0) goes to the next claim.
    expect(owned(await a.claimSources({ nodeId: 'node-a', claudeDirs: ['/d1', '/d2'], ttlSeconds: 0 }))).toEqual(['/d1', '/d2']);
    expect(owned(await b.claimSources({ nodeId: 'node-b', claudeDirs: ['/d2'], ttlSeconds: 60 }))).toEqual(['/d2']);
    expect(owned(await a.claimSources({ nodeId: 'node-a', claudeDirs: ['/d1', '/d2'], ttlSeconds: 60 }))).toEqual(['/d1']);
    // Released at shutdown: free at once.
    await b.releaseSources('node-b', ['/d2', '/d3']);
    expect(owned(await a.claimSources({ nodeId: 'node-a', claudeDirs: ['/d2', '/d3'], ttlSeconds: 60 }))).toEqual(['/d2', '/d3']);
    // Many nodes racing for one free dir: exactly one wins.
    const racers = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).claimSources({ nodeId: `racer-${i}`, claudeDirs: ['/contested'], ttlSeconds: 60 }));
    expect((await Promise.all(racers)).filter((leases) => leases[0]?.owned)).toHaveLength(1);
  });
});
