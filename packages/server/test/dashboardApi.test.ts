// The dashboard's REST API on the real fixtures, imported once into SQLite: projects, sessions,
// pages, messages, and what a bad query gets. Over 300 lines: the cases share that one import.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationPageSchema,
  ErrorBodySchema,
  ProjectListSchema,
  SessionDetailSchema,
  SessionPageSchema,
  type ConversationMessage,
  type SessionSummary,
  type SessionWithStatus,
} from '@claudelens/protocol';
import { buildServer } from '../src/api/buildServer.js';
import { LiveState } from '../src/core/live/liveState.js';
import { DEFAULT_THRESHOLDS } from '../src/core/live/sessionStatus.js';
import { backfill } from '../src/ingest/backfill.js';
import { describeFile } from '../src/ingest/discover.js';
import { LocalBus } from '../src/live/bus.js';
import { ringSize } from '../src/live/channels.js';
import { DashboardQueries } from '../src/queries/dashboardQueries.js';
import { Hub } from '../src/live/hub.js';
import { LiveEngine } from '../src/live/liveEngine.js';
import { LiveQueries } from '../src/live/liveQueries.js';
import { assistantLine, copyFixtureHome, ingestEachBatch, openContext, userLine } from './helpers.js';

// The clock of the live state: after every fixture session, so that they are all ended.
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

const THINKING = 'aaaaaaaa-0000-4000-8000-000000000001';
const ACTIVE = 'aaaaaaaa-0000-4000-8000-000000000002';
const IDLE = 'aaaaaaaa-0000-4000-8000-000000000003';
const LIVE_PROJECT = '/tmp/live-demo';
const SIDECHAINS = 'fe5e1c67-53e7-4862-81ae-d0e013e3270b'; // 1.0.x, with inline sidechains

/** The server as `serve` composes it, on a copy of the fixture corpus, with the live state's clock at NOW. */
async function startDashboard() {
  const home = copyFixtureHome();
  const ctx = openContext();
  await backfill(ctx, [home], { workers: 0 });
  const state = new LiveState(DEFAULT_THRESHOLDS, () => NOW);
  state.seed(await ctx.store.sessionTotals(ago(DEFAULT_THRESHOLDS.endedAfterMs / 1000)));
  const hub = new Hub(ringSize);
  const engine = new LiveEngine(state, new LocalBus(hub), { now: () => NOW });
  ctx.onApplied = (applied) => engine.onApplied(applied);
  const queries = new LiveQueries(state, ctx.store);
  const app = await buildServer({
    state: { phase: () => 'live' },
    queries,
    dashboard: new DashboardQueries(state, ctx.store),
    ws: { hub, engine, queries, counters: { connected: 0, sent: 0, coalesced: 0, dropped: 0 } },
    metrics: { read: () => [] },
    auth: { token: null },
  });
  return {
    app,
    ctx,
    home,
    /** Appends lines to a transcript and ingests it as the watcher does, feeding the live engine. */
    async write(relPath: string, lines: string[]) {
      const file = path.join(home, 'projects', relPath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(file, `${lines.join('\n')}\n`);
      await ingestEachBatch(ctx, describeFile(home, relPath));
    },
    async close() {
      engine.stop();
      await app.close();
      await ctx.store.close();
    },
  };
}

type Dashboard = Awaited<ReturnType<typeof startDashboard>>;

/** Three live sessions, one in each live status. */
async function writeLiveSessions(d: Dashboard): Promise<void> {
  const cwd = LIVE_PROJECT;
  await d.write(`-tmp-live-demo/${THINKING}.jsonl`, [userLine({ sessionId: THINKING, uuid: 'think-u1', text: 'why is the build red?', timestamp: ago(10), cwd })]);
  await d.write(`-tmp-live-demo/${ACTIVE}.jsonl`, [
    userLine({ sessionId: ACTIVE, uuid: 'active-u1', text: 'rename the flag', timestamp: ago(30), cwd }),
    assistantLine({ sessionId: ACTIVE, uuid: 'active-a1', parentUuid: 'active-u1', messageId: 'msg_active', requestId: 'req_active', text: 'Done.', timestamp: ago(20), cwd }),
  ]);
  await d.write(`-tmp-live-demo/${IDLE}.jsonl`, [
    userLine({ sessionId: IDLE, uuid: 'idle-u1', text: 'list the TODOs', timestamp: ago(360), cwd }),
    assistantLine({ sessionId: IDLE, uuid: 'idle-a1', parentUuid: 'idle-u1', messageId: 'msg_idle', requestId: 'req_idle', text: 'Three.', timestamp: ago(300), cwd }),
  ]);
}

async function get(app: FastifyInstance, url: string): Promise<{ status: number; body: unknown }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

async function sessionPage(app: FastifyInstance, url: string) {
  const { status, body } = await get(app, url);
  expect(status, url).toBe(200);
  return SessionPageSchema.parse(body);
}

/** Follows `next_cursor` to the end; every page is checked against the protocol. */
async function allSessions(app: FastifyInstance, query: string): Promise<{ sessions: SessionWithStatus[]; pages: number }> {
  const sessions: SessionWithStatus[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await sessionPage(app, `/api/v1/sessions?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    sessions.push(...page.sessions);
    cursor = page.next_cursor;
    pages++;
  } while (cursor !== null && pages < 1000);
  return { sessions, pages };
}

async function allMessages(app: FastifyInstance, sessionId: string, limit: number): Promise<ConversationMessage[]> {
  const messages: ConversationMessage[] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await get(app, `/api/v1/sessions/${sessionId}/messages?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(status).toBe(200);
    const page = ConversationPageSchema.parse(body);
    expect(page.messages.length).toBeLessThanOrEqual(limit);
    messages.push(...page.messages);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return messages;
}

/** Most recent first, then by id, as the API promises. */
function byRecency(a: SessionSummary, b: SessionSummary): number {
  return (b.lastActivity ?? '').localeCompare(a.lastActivity ?? '') || (b.sessionId < a.sessionId ? -1 : b.sessionId > a.sessionId ? 1 : 0);
}

const ids = (sessions: { sessionId: string }[]) => sessions.map((s) => s.sessionId);

/** Every line of the corpus by session and uuid, parsed straight from the files. */
function linesInFiles(home: string): Map<string, Record<string, unknown>[]> {
  const lines = new Map<string, Record<string, unknown>[]>();
  const root = path.join(home, 'projects');
  for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'))) {
    for (const text of fs.readFileSync(path.join(root, file), 'utf8').split('\n')) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      const key = `${String(line.sessionId)}\u0000${String(line.uuid)}`;
      lines.set(key, [...(lines.get(key) ?? []), line]);
    }
  }
  return lines;
}

describe('dashboard REST API on the fixture corpus', () => {
  let d: Dashboard;
  /** The report's view of every session (another query path): what the API must agree with. */
  let report: SessionSummary[];

  beforeAll(async () => {
    d = await startDashboard();
    await writeLiveSessions(d);
    report = (await d.ctx.store.sessions()).sort(byRecency);
  });
  afterAll(() => d.close());

  it('lists projects with the totals of their sessions, most recent first', async () => {
    const { status, body } = await get(d.app, '/api/v1/projects');
    expect(status).toBe(200);
    const { projects } = ProjectListSchema.parse(body);
    expect(projects[0]?.path).toBe(LIVE_PROJECT);
    const last = projects.map((p) => p.last_activity ?? '');
    expect(last).toEqual([...last].sort().reverse());
    expect(new Set(projects.map((p) => p.path))).toEqual(new Set(report.map((s) => s.projectPath)));
    for (const project of projects) {
      const sessions = report.filter((s) => s.projectPath === project.path);
      expect(project.sessions).toBe(sessions.length);
      expect(project.messages).toBe(sessions.reduce((n, s) => n + s.messageCount, 0));
      expect(project.tokens).toBe(sessions.reduce((n, s) => n + s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens, 0));
      expect(project.cost).toBeCloseTo(sessions.reduce((n, s) => n + s.totalCost, 0), 9);
      expect(project.first_activity).toBe(sessions.map((s) => s.firstActivity ?? '').sort()[0]);
      expect(project.last_activity).toBe(sessions[0]?.lastActivity);
    }
  });

  it('lists sessions most recent first, 50 by default, each as the report has it plus its live status', async () => {
    const page = await sessionPage(d.app, '/api/v1/sessions');
    expect(page.sessions).toHaveLength(50);
    expect(page.next_cursor).not.toBeNull();
    expect(ids(page.sessions)).toEqual(ids(report).slice(0, 50));
    expect(page.sessions.slice(0, 3).map((s) => [s.sessionId, s.status])).toEqual([
      [THINKING, 'thinking'],
      [ACTIVE, 'active'],
      [IDLE, 'idle'],
    ]);
    const reported = new Map(report.map((s) => [s.sessionId, s]));
    for (const session of page.sessions.slice(3)) {
      expect(session).toEqual({ ...reported.get(session.sessionId), status: 'ended' });
    }
  });

  it('pages through every session exactly once, in order, with a page size of 1', async () => {
    const { sessions, pages } = await allSessions(d.app, 'limit=1');
    expect(ids(sessions)).toEqual(ids(report));
    expect(pages).toBe(report.length);
    // Two fixture sessions end at the same millisecond: the id breaks the tie across pages.
    const times = report.map((s) => s.lastActivity);
    expect(new Set(times).size).toBeLessThan(times.length);
    const big = await sessionPage(d.app, '/api/v1/sessions?limit=500');
    expect(big.next_cursor).toBeNull();
    expect(ids(big.sessions)).toEqual(ids(report));
  });

  it('filters by exact project path, also across pages', async () => {
    const project = '/Users/dain/workspace/claude-code-log';
    const expected = report.filter((s) => s.projectPath === project);
    expect(expected.length).toBeGreaterThan(5);
    const { sessions } = await allSessions(d.app, `project=${encodeURIComponent(project)}&limit=4`);
    expect(ids(sessions)).toEqual(ids(expected));
    expect((await sessionPage(d.app, '/api/v1/sessions?project=claude-code-log')).sessions).toEqual([]);
  });

  it('filters by live status', async () => {
    for (const [status, id] of [['thinking', THINKING], ['active', ACTIVE], ['idle', IDLE]] as const) {
      const page = await sessionPage(d.app, `/api/v1/sessions?status=${status}`);
      expect(page.sessions.map((s) => [s.sessionId, s.status])).toEqual([[id, status]]);
      expect(page.next_cursor).toBeNull();
    }
    const { sessions } = await allSessions(d.app, 'status=ended&limit=9');
    expect(ids(sessions)).toEqual(ids(report).filter((id) => ![THINKING, ACTIVE, IDLE].includes(id)));
    expect(new Set(sessions.map((s) => s.status))).toEqual(new Set(['ended']));
    const none = await sessionPage(d.app, `/api/v1/sessions?status=thinking&project=${encodeURIComponent('/path/to/Demo')}`);
    expect(none.sessions).toEqual([]);
  });

  it('filters by a window of last activity: since inclusive, until exclusive', async () => {
    const since = report[30]?.lastActivity as string;
    const until = report[10]?.lastActivity as string;
    const expected = report.filter((s) => (s.lastActivity ?? '') >= since && (s.lastActivity ?? '') < until);
    const { sessions } = await allSessions(d.app, `since=${since}&until=${until}&limit=3`);
    expect(ids(sessions)).toEqual(ids(expected));
    expect(ids(sessions)).toContain(report[30]?.sessionId);
    expect(ids(sessions)).not.toContain(report[10]?.sessionId);

    const november = await allSessions(d.app, 'since=2025-11-01&until=2025-12-01');
    expect(ids(november.sessions)).toEqual(ids(report.filter((s) => (s.lastActivity ?? '').startsWith('2025-11'))));
    const offset = await allSessions(d.app, `since=${encodeURIComponent('2025-11-01T02:00:00+02:00')}&until=2025-12-01T00:00:00Z`);
    expect(ids(offset.sessions)).toEqual(ids(november.sessions));
  });

  it('gives one session with its status and models, and 404 for an unknown one', async () => {
    const live = await get(d.app, `/api/v1/sessions/${ACTIVE}`);
    expect(live.status).toBe(200);
    const active = SessionDetailSchema.parse(live.body);
    expect(active).toMatchObject({ sessionId: ACTIVE, status: 'active', projectPath: LIVE_PROJECT, messageCount: 2, models: ['claude-sonnet-4-5-20250929'] });

    const stored = report.find((s) => s.sessionId === SIDECHAINS) as SessionSummary;
    const { status, body } = await get(d.app, `/api/v1/sessions/${SIDECHAINS}`);
    expect(status).toBe(200);
    const detail = SessionDetailSchema.parse(body);
    expect(detail).toEqual({ ...stored, status: 'ended', byModel: detail.byModel });
    expect(stored.models.length).toBeGreaterThan(0);
    expect(detail.byModel.map((m) => m.model).sort()).toEqual([...stored.models].sort());
    expect(detail.byModel.reduce((n, m) => n + m.outputTokens, 0)).toBe(stored.outputTokens);
    expect(detail.byModel.reduce((n, m) => n + m.totalCost, 0)).toBeCloseTo(stored.totalCost, 8);

    for (const url of ['/api/v1/sessions/no-such-session', '/api/v1/sessions/no-such-session/messages']) {
      const missing = await get(d.app, url);
      expect(missing.status, url).toBe(404);
      expect(ErrorBodySchema.parse(missing.body).error.code).toBe('not_found');
    }
  });

  it("pages through a session's conversation, each line's message read back whole from its file", async () => {
    const messages = await allMessages(d.app, SIDECHAINS, 7);
    const stored = await d.ctx.store.messages(SIDECHAINS, { limit: 10_000 });
    expect(messages.map((m) => m.uuid)).toEqual(stored.map((m) => m.uuid));
    expect(new Set(messages.map((m) => m.uuid)).size).toBe(messages.length);

    const lines = linesInFiles(d.home);
    for (const message of messages) {
      const candidates = lines.get(`${SIDECHAINS}\u0000${message.uuid}`) ?? [];
      expect(candidates.length, message.uuid).toBeGreaterThan(0);
      const line = candidates[0] as Record<string, unknown>;
      expect(message.type).toBe(line.type);
      expect(message.parent_uuid).toBe(line.parentUuid ?? null);
      expect(message.is_sidechain).toBe(line.isSidechain === true);
      expect(candidates.map((c) => c.message ?? null)).toContainEqual(message.content);
    }
    expect(messages.some((m) => m.is_sidechain && m.agent_id === 'sidechain')).toBe(true);
    const toolUse = messages.find((m) => m.tool_names.length > 0) as ConversationMessage;
    const blocks = toolUse.content?.content as { type: string; name?: string }[];
    expect(blocks.find((b) => b.type === 'tool_use')?.name).toBe(toolUse.tool_names[0]);

    const [prompt] = await allMessages(d.app, THINKING, 50);
    expect(prompt).toMatchObject({ uuid: 'think-u1', type: 'user', author: 'user', content: { role: 'user', content: 'why is the build red?' } });
  });

  it('answers 400 naming the parameter for every bad query value', async () => {
    const sessionsCursor = (await sessionPage(d.app, '/api/v1/sessions?limit=1')).next_cursor as string;
    const messagesPage = ConversationPageSchema.parse((await get(d.app, `/api/v1/sessions/${SIDECHAINS}/messages?limit=1`)).body);
    const messagesCursor = messagesPage.next_cursor as string;
    const bad: [string, string][] = [
      ['/api/v1/sessions?limit=0', 'limit'],
      ['/api/v1/sessions?limit=501', 'limit'],
      ['/api/v1/sessions?limit=abc', 'limit'],
      ['/api/v1/sessions?limit=-1', 'limit'],
      ['/api/v1/sessions?limit=2.5', 'limit'],
      ['/api/v1/sessions?limit=', 'limit'],
      ['/api/v1/sessions?status=sleeping', 'status'],
      ['/api/v1/sessions?status=active&status=idle', 'status'],
      ['/api/v1/sessions?project=', 'project'],
      ['/api/v1/sessions?since=yesterday', 'since'],
      ['/api/v1/sessions?since=2026-02-30', 'since'],
      ['/api/v1/sessions?since=2026-01-01T10:00:00', 'since'],
      ['/api/v1/sessions?until=2026-13-01', 'until'],
      ['/api/v1/sessions?since=2026-02-01&until=2026-01-01', 'until'],
      ['/api/v1/sessions?cursor=not-a-cursor', 'cursor'],
      ['/api/v1/sessions?cursor=', 'cursor'],
      [`/api/v1/sessions?cursor=${messagesCursor}`, 'cursor'],
      [`/api/v1/sessions/${SIDECHAINS}/messages?limit=0`, 'limit'],
      [`/api/v1/sessions/${SIDECHAINS}/messages?limit=201`, 'limit'],
      [`/api/v1/sessions/${SIDECHAINS}/messages?cursor=${sessionsCursor}`, 'cursor'],
      [`/api/v1/sessions/${SIDECHAINS}/messages?cursor=%25%25%25`, 'cursor'],
    ];
    for (const [url, parameter] of bad) {
      const { status, body } = await get(d.app, url);
      expect(status, url).toBe(400);
      const { error } = ErrorBodySchema.parse(body);
      expect(error, url).toMatchObject({ code: 'bad_request', parameter });
      expect(error.message).toContain(parameter);
    }
  });
});

describe('dashboard REST API while transcripts change', () => {
  let d: Dashboard;

  beforeAll(async () => {
    d = await startDashboard();
  });
  afterAll(() => d.close());

  it('pages through every session once while sessions are added and updated between pages', async () => {
    const before = (await d.ctx.store.sessions()).sort(byRecency);
    const seen: SessionWithStatus[] = [];
    let page = await sessionPage(d.app, '/api/v1/sessions?limit=7');
    seen.push(...page.sessions);
    page = await sessionPage(d.app, `/api/v1/sessions?limit=7&cursor=${page.next_cursor}`);
    seen.push(...page.sessions);

    const newer = 'bbbbbbbb-0000-4000-8000-000000000001';
    const older = 'bbbbbbbb-0000-4000-8000-000000000002';
    const updated = seen[3] as SessionWithStatus; // already listed: it moves to the top
    await d.write(`-tmp-new/${newer}.jsonl`, [userLine({ sessionId: newer, uuid: 'newer-u1', text: 'new', timestamp: ago(5) })]);
    await d.write(`-tmp-new/${older}.jsonl`, [userLine({ sessionId: older, uuid: 'older-u1', text: 'old', timestamp: '2020-01-01T00:00:00.000Z' })]);
    await d.write(`-tmp-new/${updated.sessionId}-more.jsonl`, [userLine({ sessionId: updated.sessionId, uuid: 'more-u1', text: 'more', timestamp: ago(1) })]);

    for (let cursor = page.next_cursor; cursor !== null; cursor = page.next_cursor) {
      page = await sessionPage(d.app, `/api/v1/sessions?limit=7&cursor=${cursor}`);
      seen.push(...page.sessions);
    }
    expect(ids(seen)).toEqual([...ids(before), older]);

    const first = await sessionPage(d.app, '/api/v1/sessions?limit=2');
    expect(first.sessions.map((s) => [s.sessionId, s.status])).toEqual([
      [updated.sessionId, 'thinking'],
      [newer, 'thinking'],
    ]);
  });

  it('still lists the messages of a file that is gone, with null content', async () => {
    const sessionId = 'fed8ce56-bc79-401f-a83e-af084253362f';
    const stored = await d.ctx.store.messages(sessionId, { limit: 10_000 });
    const files = [...new Set(stored.map((m) => m.location.relPath))];
    expect(files).toHaveLength(1);
    const before = await allMessages(d.app, sessionId, 50);
    expect(before.some((m) => m.content !== null)).toBe(true);

    fs.rmSync(path.join(d.home, 'projects', ...String(files[0]).split('/')));
    const after = await allMessages(d.app, sessionId, 50);
    expect(after.map((m) => m.content)).toEqual(after.map(() => null));
    expect(after.map(({ content: _content, ...rest }) => rest)).toEqual(before.map(({ content: _content, ...rest }) => rest));
  });
});
