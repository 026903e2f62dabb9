import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill, type BackfillProgress } from '../src/ingest/backfill.js';
import { watchTranscripts } from '../src/ingest/watcher.js';
import { copyFixtureHome, emptyHome, openContext, userLine } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function context() {
  const ctx = openContext();
  closers.push(() => ctx.store.close());
  return ctx;
}

describe('start-up read', () => {
  it('reads nothing again on a restart, and only what changed after one', async () => {
    const home = copyFixtureHome();
    const ctx = context();
    const first = await backfill(ctx, [home], { workers: 0 });
    expect(first.lines).toBeGreaterThan(0);

    const progress: BackfillProgress[] = [];
    const again = await backfill(ctx, [home], { workers: 0, onProgress: (p) => progress.push({ ...p }) });
    expect(again).toMatchObject({ files: first.files, lines: 0 });
    expect(progress.at(-1)).toMatchObject({ filesTotal: 0, bytesTotal: 0 });
    // The watcher's start-up rescan reads nothing either.
    let reads = 0;
    const watcher = watchTranscripts(ctx, [home], { onRead: () => reads++, auditEveryMs: 0 });
    await watcher.rescan();
    await watcher.close();
    expect(reads).toBe(0);

    const main = fs.readdirSync(path.join(home, 'projects'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.jsonl') && !f.includes('agent-'));
    const file = path.join(home, 'projects', main as string);
    fs.appendFileSync(file, `${userLine({ sessionId: 'appended', uuid: 'appended-1', text: 'one more' })}\n`);
    const after = await backfill(ctx, [home], { workers: 0, onProgress: (p) => progress.push({ ...p }) });
    expect(progress.at(-1)).toMatchObject({ filesTotal: 1, filesDone: 1 });
    expect(after.lines).toBe(1);
  });

  it('reads the newest files first, a session’s subagent files with it', async () => {
    const { home, projectDir } = emptyHome();
    // Each file has one line that is not JSON: its problem row records when the file was read.
    const files = { old: 'old.jsonl', middle: 'middle.jsonl', new: 'new.jsonl', oldAgent: 'old/subagents/agent-a1.jsonl' };
    const mtimes = { old: 1_000, middle: 2_000, new: 3_000, oldAgent: 4_000 };
    for (const [name, rel] of Object.entries(files)) {
      const file = path.join(projectDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `not json ${name}\n`);
      const at = mtimes[name as keyof typeof mtimes] * 1_000_000;
      fs.utimesSync(file, at / 1000, at / 1000);
    }
    const ctx = context();
    await backfill(ctx, [home], { workers: 0 });
    const { problems } = await ctx.store.health(10);
    // Listed last recorded first: reversed, the order they were read in.
    expect(problems.map((p) => path.relative(projectDir, p.file).split(path.sep).join('/')).reverse()).toEqual([files.oldAgent, files.old, files.new, files.middle]);
  });
});
