import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill } from '../src/ingest/backfill.js';
import { describeFile } from '../src/ingest/discover.js';
import { assistantLine, emptyHome, ingestEachBatch, openContext, runCli, tempDir, userLine } from './helpers.js';

const session = 'bad00000-0000-4000-8000-000000000000';
const good = (n: number) =>
  assistantLine({ sessionId: session, uuid: `good-${n}`, messageId: `msg_good${n}`, requestId: `req_good${n}`, input: 100, output: 10 });
/** An assistant line whose usage has one field replaced. */
const withUsage = (n: number, usage: unknown) => {
  const line = JSON.parse(good(n)) as { uuid: string; message: { id: string; usage: unknown } };
  line.uuid = `bad-${n}`;
  line.message.id = `msg_bad${n}`;
  line.message.usage = usage;
  return JSON.stringify(line);
};
/** The line with a lone Latin-1 byte (0xE9, "é") after "caf": not UTF-8. */
const invalidUtf8 = (line: string) => {
  const [before, after] = line.split('"caf"') as [string, string];
  return Buffer.concat([Buffer.from(`${before}"caf`), Buffer.from([0xe9]), Buffer.from(`"${after}`)]);
};
const usage = (output: unknown) => ({ input_tokens: 100, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

const contexts: ReturnType<typeof openContext>[] = [];
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.store.close();
});

describe('bad input never stops ingest and never poisons totals', () => {
  it('skips or sanitises each bad line, counts it, and lists it with file and line', async () => {
    const { home, projectDir } = emptyHome();
    const file = path.join(projectDir, `${session}.jsonl`);
    const lines: (string | Buffer)[] = [
      good(1), //                                              1
      '{"type":"assistant","message":{"id":"msg_x","usa', //     2 truncated JSON
      invalidUtf8(userLine({ sessionId: session, uuid: 'utf', text: 'caf' })), //  3 invalid UTF-8
      withUsage(4, usage('25')), //                              4 digit string: coerced
      withUsage(5, usage(-7)), //                                5 negative: rejected
      withUsage(6, usage(2.5)), //                               6 fractional: rejected
      withUsage(7, usage(1e15)), //                              7 huge: rejected
      withUsage(8, 'lots'), //                                   8 usage of the wrong type
      JSON.stringify({ type: 'assistant', uuid: 'nomsg', sessionId: session }), // 9 missing message
      `{"type":"user","uuid":"deep","sessionId":"${session}","message":{"content":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`, // 10 deep
      '[1,2,3]', //                                              11 not an object
      JSON.stringify({ type: 'hologram', uuid: 'future', sessionId: session }), // 12 unknown type: kept
      good(13), //                                               13
    ];
    fs.writeFileSync(file, Buffer.concat(lines.flatMap((l) => [Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from('\n')])));

    const ctx = openContext();
    contexts.push(ctx);
    await backfill(ctx, [home], { workers: 0 });

    const [s] = await ctx.store.sessions();
    // Good lines 1 and 13, plus line 4 with its digit string coerced: 3 requests, nothing else priced.
    expect(s).toMatchObject({ requests: 3, inputTokens: 300, outputTokens: 10 + 25 + 10 });
    const health = await ctx.store.health(100);
    expect(health.problemsByKind).toEqual({
      'invalid-json': 1,
      'invalid-utf8': 1,
      'usage-coerced': 1,
      'usage-rejected': 4,
      'missing-message': 1,
      'not-an-object': 1,
      'unknown-line-type': 1,
    });
    expect(health.unknownLineTypes).toEqual({ hologram: 1 });
    const where = health.problems.map((p) => [p.line, p.kind]).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(where).toEqual([
      [2, 'invalid-json'],
      [3, 'invalid-utf8'],
      [4, 'usage-coerced'],
      [5, 'usage-rejected'],
      [6, 'usage-rejected'],
      [7, 'usage-rejected'],
      [8, 'usage-rejected'],
      [9, 'missing-message'],
      [11, 'not-an-object'],
      [12, 'unknown-line-type'],
    ]);
    expect(health.problems[0]?.file).toBe(file);
  });

  it('stores a 50 MB line with a clipped preview, and skips a line over the limit without buffering it', async () => {
    const { home, projectDir } = emptyHome();
    const file = path.join(projectDir, `${session}.jsonl`);
    const big = userLine({ sessionId: session, uuid: 'big', text: 'x'.repeat(50 * 1024 * 1024) });
    const tooBig = userLine({ sessionId: session, uuid: 'too-big', text: 'y'.repeat(70 * 1024 * 1024) });
    fs.writeFileSync(file, `${good(1)}\n${big}\n${tooBig}\n${good(2)}\n`);

    const ctx = openContext();
    contexts.push(ctx);
    await backfill(ctx, [home], { workers: 0 });
    const [s] = await ctx.store.sessions();
    expect(s).toMatchObject({ requests: 2, messageCount: 3 });
    const health = await ctx.store.health(10);
    expect(health.problems).toMatchObject([{ kind: 'line-too-long', line: 3 }]);
  });

  it('reports a file that cannot be read or that vanished, and goes on with the others', async () => {
    const { home, projectDir } = emptyHome();
    fs.writeFileSync(path.join(projectDir, `${session}.jsonl`), `${good(1)}\n`);
    fs.mkdirSync(path.join(projectDir, 'folder'));
    fs.symlinkSync(path.join(projectDir, 'folder'), path.join(projectDir, 'not-a-file.jsonl')); // a link to a folder: never opened
    fs.symlinkSync(path.join(projectDir, 'nowhere'), path.join(projectDir, 'dangling.jsonl'));
    const ctx = openContext();
    contexts.push(ctx);
    await backfill(ctx, [home], { workers: 0 });
    await ingestEachBatch(ctx, describeFile(home, '-tmp-demo/gone.jsonl'));
    expect((await ctx.store.sessions())[0]?.requests).toBe(1);
    const kinds = (await ctx.store.health(10)).problems.map((p) => [path.basename(p.file), p.kind, p.line]).sort();
    expect(kinds).toEqual([
      ['dangling.jsonl', 'file-vanished', null],
      ['gone.jsonl', 'file-vanished', null],
      ['not-a-file.jsonl', 'not-a-regular-file', null],
    ]);
  });

  it('lists problems in `claudelens report health`, with file and line', async () => {
    const { home, projectDir } = emptyHome();
    fs.writeFileSync(path.join(projectDir, `${session}.jsonl`), `${good(1)}\n{oops\n`);
    const dataDir = tempDir();
    expect((await runCli(['import', '--claude-dir', home, '--data-dir', dataDir])).code).toBe(0);
    const text = await runCli(['report', 'health', '--data-dir', dataDir]);
    expect(text.stdout).toContain('problems: invalid-json 1');
    expect(text.stdout).toContain(`${path.join(projectDir, `${session}.jsonl`)}:2  invalid-json`);
    const json = JSON.parse((await runCli(['report', 'health', '--json', '--data-dir', dataDir])).stdout) as { problems: unknown[] };
    expect(json.problems).toHaveLength(1);
  });
});
