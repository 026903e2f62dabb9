// Live tailing: a real temp claude dir, real appends, the real chokidar watcher and SQLite store.
// Every "nothing happened" assertion is made only after the watcher has provably read the file
// through its current end (see `readThrough`), never after a fixed sleep.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SessionSummary } from '@claudelens/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill } from '../src/ingest/backfill.js';
import type { IngestContext } from '../src/ingest/ingestFile.js';
import { watchTranscripts, type TranscriptWatcher } from '../src/ingest/watcher.js';
import type { Store } from '../src/store/repository.js';
import { assistantLine, emptyHome, openContext, tempDir, userLine, waitFor } from './helpers.js';

/** The machine has 2 cores and may be busy: wait generously for the watcher. */
const WAIT_MS = 20_000;

/** One batch the watcher committed: which file, how big the file was when read, and whether it rewound. */
interface ReadRecord {
  sourceId: number;
  sizeAtRead: number;
  nextOffset: number;
  rewind: boolean;
}

interface Tail {
  home: string;
  ctx: IngestContext & { dataDir: string };
  watcher: TranscriptWatcher;
  reads: ReadRecord[];
  errors: Error[];
  /** Closes the watcher, then the store; safe to call again. */
  close: () => Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
const watcherErrors: Error[][] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // No test expects the watcher to fail.
  expect(watcherErrors.splice(0).flat()).toEqual([]);
});

/** Wraps a store so that every committed batch is recorded: how the tests know a read happened. */
function recordingStore(store: Store, reads: ReadRecord[]): Store {
  return {
    ...store,
    async applyBatches(batches) {
      const applied = await store.applyBatches(batches);
      for (const b of batches) reads.push({ sourceId: b.sourceId, sizeAtRead: b.identity.size, nextOffset: b.nextOffset, rewind: b.rewind });
      return applied;
    },
  };
}

/** Opens a store on `dataDir` (a new one by default) and watches `home`; closed after the test at the latest. */
async function startTailing(home: string, dataDir?: string): Promise<Tail> {
  const opened = openContext(dataDir);
  const reads: ReadRecord[] = [];
  const errors: Error[] = [];
  const ctx = { ...opened, store: recordingStore(opened.store, reads) };
  const watcher = watchTranscripts(ctx, [home], { onError: (error) => errors.push(error) });
  let closed: Promise<void> | undefined;
  // The watcher first: closing it waits for the reads in flight, which need the store.
  const close = () =>
    (closed ??= (async () => {
      await watcher.close();
      await ctx.store.close();
      if (dataDir === undefined) fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    })());
  cleanups.push(close);
  watcherErrors.push(errors);
  await watcher.ready;
  return { home, ctx, watcher, reads, errors, close };
}

function newHome(project = '-tmp-demo'): { home: string; projectDir: string } {
  const made = emptyHome(project);
  cleanups.push(() => fs.rmSync(made.home, { recursive: true, force: true }));
  return made;
}

function relPathOf(home: string, file: string): string {
  return path.relative(path.join(home, 'projects'), file).split(path.sep).join('/');
}

/** Waits until the watcher has committed a read of `file` that saw at least `size` bytes, and is idle. */
async function readThrough(tail: Tail, file: string, size = fs.statSync(file).size): Promise<void> {
  const [source] = await tail.ctx.store.sources([{ claudeDir: tail.home, relPath: relPathOf(tail.home, file) }]);
  const id = source?.id;
  await waitFor(() => (tail.reads.some((r) => r.sourceId === id && r.sizeAtRead >= size) ? true : undefined), WAIT_MS, `a read of ${file} through byte ${size}`);
  await tail.watcher.idle();
}

async function sessionOf(tail: Tail, sessionId: string): Promise<SessionSummary | undefined> {
  return (await tail.ctx.store.sessions()).find((s) => s.sessionId === sessionId);
}

async function waitForSession(tail: Tail, sessionId: string, done: (s: SessionSummary) => boolean, what: string): Promise<SessionSummary> {
  return waitFor(
    async () => {
      const s = await sessionOf(tail, sessionId);
      return s && done(s) ? s : undefined;
    },
    WAIT_MS,
    what,
  );
}

/** What a one-shot import of the claude dir, into a fresh store, reports: the truth for its current contents. */
async function cleanImport(home: string): Promise<SessionSummary[]> {
  const ctx = openContext(tempDir('claudelens-clean-'));
  try {
    await backfill(ctx, [home]);
    return await ctx.store.sessions();
  } finally {
    await ctx.store.close();
    fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  }
}

/** Deep equality of two session lists, in sessionId order, with costs compared to 1e-9. */
function expectSameSessions(actual: SessionSummary[], expected: SessionSummary[]): void {
  const strip = (list: SessionSummary[]) =>
    [...list]
      .sort((a, b) => a.sessionId.localeCompare(b.sessionId))
      .map((s) => ({ ...s, totalCost: 0, agents: s.agents.map((a) => ({ ...a, totalCost: 0 })) }));
  expect(strip(actual)).toEqual(strip(expected));
  const costs = (list: SessionSummary[]) => new Map(list.map((s) => [s.sessionId, s.totalCost]));
  const want = costs(expected);
  for (const [id, cost] of costs(actual)) expect(Math.abs(cost - (want.get(id) ?? Number.NaN)), `cost of ${id}`).toBeLessThan(1e-9);
}

/** Line builders for one session: fresh uuids, message ids and request ids unless given. */
function lines(sessionId: string, cwd = '/tmp/demo') {
  return {
    user: (text = 'hello') => userLine({ sessionId, uuid: randomUUID(), text, cwd }),
    assistant: (o: { output?: number; input?: number; messageId?: string; requestId?: string } = {}) =>
      assistantLine({ sessionId, uuid: randomUUID(), messageId: o.messageId ?? `msg_${randomUUID()}`, requestId: o.requestId ?? `req_${randomUUID()}`, output: o.output, input: o.input, cwd }),
  };
}

const nl = (...list: string[]) => list.map((l) => `${l}\n`).join('');

describe('live tailing with watchTranscripts', () => {
  it('stores a line appended to a transcript that existed before the watcher started', async () => {
    const { home, projectDir } = newHome();
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);
    fs.writeFileSync(file, nl(s.user(), s.assistant({ input: 10, output: 5 })));
    const tail = await startTailing(home);

    fs.appendFileSync(file, nl(s.assistant({ input: 20, output: 7 })));

    const session = await waitForSession(tail, sid, (x) => x.requests === 2, 'the appended request');
    expect(session).toMatchObject({ messageCount: 3, requests: 2, inputTokens: 30, outputTokens: 12 });
    expect((await tail.ctx.store.counts()).lines).toBe(3);
  });

  it('does not count lines again when the same lines are appended a second time, to the same file or to another project', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);
    const sid = randomUUID();
    const s = lines(sid);
    const same = nl(s.user(), s.assistant({ input: 11, output: 13 }), s.user('more'));
    const file = path.join(projectDir, `${sid}.jsonl`);
    fs.writeFileSync(file, same);
    const before = await waitForSession(tail, sid, (x) => x.messageCount === 3, 'the first copy');

    fs.appendFileSync(file, same);
    await readThrough(tail, file);
    const otherProject = path.join(home, 'projects', '-tmp-elsewhere');
    fs.mkdirSync(otherProject);
    const copy = path.join(otherProject, `${randomUUID()}.jsonl`);
    fs.writeFileSync(copy, same);
    await readThrough(tail, copy);

    expect(await sessionOf(tail, sid)).toEqual(before);
    expect(before).toMatchObject({ messageCount: 3, requests: 1, inputTokens: 11, outputTokens: 13 });
    const counts = await tail.ctx.store.counts();
    expect(counts).toMatchObject({ sessions: 1, requests: 1, problems: 0, lines: 9 });
  });

  it('ignores a half-written last line, without reporting a problem, until its newline arrives; then stores it exactly once', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);
    fs.writeFileSync(file, nl(s.user()));
    await waitForSession(tail, sid, (x) => x.messageCount === 1, 'the first line');

    const half = s.assistant({ input: 40, output: 99 });
    const cuts = [60, half.length - 25];
    let written = 0;
    for (const cut of cuts) {
      fs.appendFileSync(file, half.slice(written, cut));
      written = cut;
      await readThrough(tail, file);
      expect(await sessionOf(tail, sid)).toMatchObject({ messageCount: 1, requests: 0, outputTokens: 0 });
      expect(await tail.ctx.store.counts()).toMatchObject({ lines: 1, problems: 0 });
    }

    fs.appendFileSync(file, `${half.slice(written)}\n`);
    await waitForSession(tail, sid, (x) => x.requests === 1, 'the finished line');
    // One more line, read after it: the finished line must still be there once.
    fs.appendFileSync(file, nl(s.user('after')));
    const session = await waitForSession(tail, sid, (x) => x.messageCount === 3, 'the line after');
    expect(session).toMatchObject({ messageCount: 3, requests: 1, inputTokens: 40, outputTokens: 99 });
    expect(await tail.ctx.store.counts()).toMatchObject({ lines: 3, requests: 1, problems: 0 });
    expect((await tail.ctx.store.health(10)).problems).toEqual([]);
  });

  it('stores a complete JSON line that lacks its newline, and counts nothing twice when the newline and further lines arrive', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);

    fs.writeFileSync(file, `${s.user()}\n${s.assistant({ input: 10, output: 30 })}`);
    const early = await waitForSession(tail, sid, (x) => x.requests === 1, 'the unterminated line');
    expect(early).toMatchObject({ messageCount: 2, requests: 1, inputTokens: 10, outputTokens: 30 });
    // Stored, but not yet counted as a read line: its newline is still to come.
    expect((await tail.ctx.store.counts()).lines).toBe(1);

    fs.appendFileSync(file, '\n');
    await readThrough(tail, file);
    expect(await sessionOf(tail, sid)).toEqual(early);
    expect((await tail.ctx.store.counts()).lines).toBe(2);

    // Again, with the newline arriving together with more lines.
    fs.appendFileSync(file, s.assistant({ input: 1, output: 2 }));
    await waitForSession(tail, sid, (x) => x.requests === 2, 'the second unterminated line');
    fs.appendFileSync(file, `\n${s.user('next')}\n${s.assistant({ input: 100, output: 200 })}\n`);
    const session = await waitForSession(tail, sid, (x) => x.requests === 3, 'the lines after the newline');
    expect(session).toMatchObject({ messageCount: 5, requests: 3, inputTokens: 111, outputTokens: 232 });
    expect(await tail.ctx.store.counts()).toMatchObject({ lines: 5, requests: 3, problems: 0 });
    expectSameSessions(await tail.ctx.store.sessions(), await cleanImport(home));
  });

  it('picks up a new transcript, a new project folder, a new <session>/subagents/agent-*.jsonl and a flat agent-*.jsonl created while watching', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);

    const first = randomUUID();
    fs.writeFileSync(path.join(projectDir, `${first}.jsonl`), nl(lines(first).user(), lines(first).assistant({ output: 3 })));
    await waitForSession(tail, first, (x) => x.requests === 1, 'a new file in a known project');

    const second = randomUUID();
    const laterProject = path.join(home, 'projects', '-tmp-later');
    fs.mkdirSync(laterProject);
    fs.writeFileSync(path.join(laterProject, `${second}.jsonl`), nl(lines(second, '/tmp/later').user(), lines(second, '/tmp/later').assistant({ output: 4 })));
    await waitForSession(tail, second, (x) => x.requests === 1, 'a file in a new project folder');

    const subagentLine = (agentId: string, output: number) =>
      JSON.stringify({ ...JSON.parse(lines(second, '/tmp/later').assistant({ output })), isSidechain: true, agentId });
    const subagents = path.join(laterProject, second, 'subagents');
    fs.mkdirSync(subagents, { recursive: true });
    fs.writeFileSync(path.join(subagents, 'agent-x.jsonl'), nl(subagentLine('x', 50)));
    fs.writeFileSync(path.join(laterProject, 'agent-y.jsonl'), nl(subagentLine('y', 70)));

    const session = await waitForSession(tail, second, (x) => x.requests === 3, 'both subagent files');
    expect(session).toMatchObject({ projectPath: '/tmp/later', requests: 3, outputTokens: 124 });
    expect(session.agents.map((a) => [a.agentId, a.requests, a.outputTokens])).toEqual([
      ['x', 1, 50],
      ['y', 1, 70],
    ]);
    expect((await tail.ctx.store.counts()).files).toBe(4);
    expectSameSessions(await tail.ctx.store.sessions(), await cleanImport(home));
  });

  it('treats a second line with the same message.id and requestId and more output tokens as a correction: one request, the larger output', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);
    const key = { messageId: `msg_${randomUUID()}`, requestId: `req_${randomUUID()}` };

    fs.writeFileSync(file, nl(s.user(), s.assistant({ ...key, input: 25, output: 5 })));
    await waitForSession(tail, sid, (x) => x.outputTokens === 5, 'the first line of the response');
    fs.appendFileSync(file, nl(s.assistant({ ...key, input: 25, output: 420 })));
    await waitForSession(tail, sid, (x) => x.outputTokens === 420, 'the corrected usage');
    // A stale line with fewer output tokens changes nothing.
    fs.appendFileSync(file, nl(s.assistant({ ...key, input: 25, output: 9 })));
    await readThrough(tail, file);

    const session = await sessionOf(tail, sid);
    expect(session).toMatchObject({ requests: 1, inputTokens: 25, outputTokens: 420 });
    expect(await tail.ctx.store.counts()).toMatchObject({ requests: 1, problems: 0 });
    expectSameSessions(await tail.ctx.store.sessions(), await cleanImport(home));
  });

  it('reads a transcript truncated to 0 and rewritten again from byte 0: totals equal a clean import of the new contents, nothing counted twice', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);
    const key = { messageId: `msg_${randomUUID()}`, requestId: `req_${randomUUID()}` };
    const [u1, u2] = [s.user('one'), s.user('two')];
    fs.writeFileSync(file, nl(u1, s.assistant({ ...key, input: 10, output: 5 }), u2));
    await waitForSession(tail, sid, (x) => x.messageCount === 3, 'the first contents');
    const [source] = await tail.ctx.store.sources([{ claudeDir: home, relPath: relPathOf(home, file) }]);

    fs.truncateSync(file, 0);
    await waitFor(() => (tail.reads.some((r) => r.sourceId === source?.id && r.rewind) ? true : undefined), WAIT_MS, 'the rewind after truncation');
    await tail.watcher.idle();
    expect((await tail.ctx.store.counts()).lines).toBe(0);

    // Different contents: the same two prompts, the response with its final usage, and a new request.
    fs.writeFileSync(file, nl(u1, s.assistant({ ...key, input: 10, output: 55 }), u2, s.assistant({ input: 7, output: 8 })));
    await waitForSession(tail, sid, (x) => x.requests === 2, 'the rewritten contents');

    expectSameSessions(await tail.ctx.store.sessions(), await cleanImport(home));
    expect(await sessionOf(tail, sid)).toMatchObject({ messageCount: 5, requests: 2, inputTokens: 17, outputTokens: 63 });
    expect(await tail.ctx.store.counts()).toMatchObject({ lines: 4, requests: 2, problems: 0 });
  });

  it('reads a transcript replaced by a new file (temp file renamed over it) again from byte 0: totals equal a clean import, nothing counted twice', async () => {
    const { home, projectDir } = newHome();
    const tail = await startTailing(home);
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);
    const key = { messageId: `msg_${randomUUID()}`, requestId: `req_${randomUUID()}` };
    const [u1, u2] = [s.user('one'), s.user('two')];
    fs.writeFileSync(file, nl(u1, s.assistant({ ...key, input: 10, output: 5 }), u2));
    await waitForSession(tail, sid, (x) => x.messageCount === 3, 'the first contents');
    const [source] = await tail.ctx.store.sources([{ claudeDir: home, relPath: relPathOf(home, file) }]);

    const temp = `${file}.tmp`;
    fs.writeFileSync(temp, nl(u1, s.assistant({ ...key, input: 10, output: 55 }), u2, s.assistant({ input: 7, output: 8 })));
    fs.renameSync(temp, file);
    await waitForSession(tail, sid, (x) => x.requests === 2, 'the replacement');

    expect(tail.reads.some((r) => r.sourceId === source?.id && r.rewind)).toBe(true);
    expectSameSessions(await tail.ctx.store.sessions(), await cleanImport(home));
    expect(await sessionOf(tail, sid)).toMatchObject({ messageCount: 5, requests: 2, inputTokens: 17, outputTokens: 63 });
    expect(await tail.ctx.store.counts()).toMatchObject({ lines: 4, requests: 2, problems: 0 });
  });

  it('after a restart on the same data dir, adds only the lines appended while it was stopped', async () => {
    const { home, projectDir } = newHome();
    const dataDir = tempDir('claudelens-data-');
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const sid = randomUUID();
    const s = lines(sid);
    const file = path.join(projectDir, `${sid}.jsonl`);

    const first = await startTailing(home, dataDir);
    fs.writeFileSync(file, nl(s.user(), s.assistant({ input: 10, output: 20 })));
    await waitForSession(first, sid, (x) => x.requests === 1, 'the lines before the restart');
    await first.close();

    fs.appendFileSync(file, nl(s.user('while stopped'), s.assistant({ input: 1, output: 2 })));
    const second = await startTailing(home, dataDir);
    await second.watcher.rescan();
    expect(await sessionOf(second, sid)).toMatchObject({ messageCount: 4, requests: 2, inputTokens: 11, outputTokens: 22 });
    expect(await second.ctx.store.counts()).toMatchObject({ lines: 4, requests: 2, problems: 0 });

    // Tailing goes on after the restart, and a second import of the same data dir adds nothing.
    fs.appendFileSync(file, nl(s.assistant({ input: 100, output: 200 })));
    await waitForSession(second, sid, (x) => x.requests === 3, 'a line appended after the restart');
    await backfill(second.ctx, [home]);
    expect(await sessionOf(second, sid)).toMatchObject({ messageCount: 5, requests: 3, inputTokens: 111, outputTokens: 222 });
    expectSameSessions(await second.ctx.store.sessions(), await cleanImport(home));
  });
});
