// A change whose file event never arrives is still read. On Linux the kernel drops inotify events
// past `max_queued_events` while the process is busy, and libuv does not report the overflow (it
// skips the IN_Q_OVERFLOW event), so the watcher's periodic audit is what reads such a file.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_QUERY_FILES, watchTranscripts } from '../src/ingest/watcher.js';
import { emptyHome, openContext, userLine, waitFor } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function queueLimit(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8'));
  } catch {
    return 16_384;
  }
}

describe.runIf(process.platform === 'linux')('watcher audit', () => {
  it('reads a change whose inotify event was lost to a queue overflow', async () => {
    const { home, projectDir } = emptyHome();
    const ctx = openContext();
    const [a1, a2, b] = [randomUUID(), randomUUID(), randomUUID()];
    const file = (sessionId: string) => path.join(projectDir, `${sessionId}.jsonl`);
    const line = (sessionId: string) => `${userLine({ sessionId, uuid: randomUUID(), text: 'hi' })}\n`;
    for (const id of [a1, a2, b]) fs.writeFileSync(file(id), line(id));
    const errors: Error[] = [];
    const watcher = watchTranscripts(ctx, [home], { auditEveryMs: 300, onError: (e) => errors.push(e) });
    cleanups.push(async () => {
      await watcher.close();
      await ctx.store.close();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    });
    await watcher.rescan();
    expect((await ctx.store.session(b))?.messageCount).toBe(1);

    // Synchronous, so the event loop reads no event meanwhile. Two files in turn, so that the
    // kernel cannot merge the events into one: the queue overflows, and b's event is past it.
    const fds = [fs.openSync(file(a1), 'a'), fs.openSync(file(a2), 'a')];
    const appends = queueLimit() + 1000;
    for (let i = 0; i < appends; i++) fs.writeSync(fds[i % 2] as number, line(i % 2 ? a2 : a1));
    for (const fd of fds) fs.closeSync(fd);
    fs.appendFileSync(file(b), line(b));

    await waitFor(async () => ((await ctx.store.session(b))?.messageCount === 2 ? true : undefined), 30_000, "b's second line");
    await waitFor(async () => {
      const [x, y] = [await ctx.store.session(a1), await ctx.store.session(a2)];
      return (x?.messageCount ?? 0) + (y?.messageCount ?? 0) === appends + 2 ? true : undefined;
    }, 30_000, 'every appended line');
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('watcher audit over many files', () => {
  it(`asks the store for at most ${AUDIT_QUERY_FILES} files' offsets at a time, and reads every file it finds behind`, async () => {
    const { home, projectDir } = emptyHome();
    const ctx = openContext();
    const sessions = Array.from({ length: 2 * AUDIT_QUERY_FILES + 88 }, () => randomUUID());
    // Written before the watcher starts, and no rescan: only the audit can find them.
    for (const sessionId of sessions) fs.writeFileSync(path.join(projectDir, `${sessionId}.jsonl`), `${userLine({ sessionId, uuid: randomUUID(), text: 'hi' })}\n`);
    const asked: number[] = [];
    const sources = ctx.store.sources.bind(ctx.store);
    ctx.store.sources = (refs) => {
      asked.push(refs.length);
      return sources(refs);
    };
    const watcher = watchTranscripts(ctx, [home], { auditEveryMs: 100 });
    cleanups.push(async () => {
      await watcher.close();
      await ctx.store.close();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    });
    await waitFor(async () => ((await ctx.store.counts()).sessions === sessions.length ? true : undefined), 30_000, 'every session stored');
    expect(Math.max(...asked)).toBe(AUDIT_QUERY_FILES);
    expect(asked.filter((n) => n > 1).slice(0, 3)).toEqual([AUDIT_QUERY_FILES, AUDIT_QUERY_FILES, 88]);
  }, 60_000);
});
