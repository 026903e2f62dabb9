// `claudelens prices update`: a refreshed table in the data dir, between the shipped table and the
// user's --prices file. Runs the built CLI on a modified copy of LiteLLM's rows (fixtures/litellm);
// never the network.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionReportSchema } from '@claudelens/protocol';
import { tableFromLitellm } from '../src/config/litellmPrices.js';
import { loadPriceBook } from '../src/config/prices.js';
import { copyFixtureHome, ORACLE, REPO_ROOT, runCli, tempDir } from './helpers.js';

const LITELLM = path.join(REPO_ROOT, 'fixtures', 'litellm', 'model_prices_anthropic.json');
type Rows = Record<string, Record<string, unknown>>;

/** LiteLLM's rows with Opus 4.7 dearer, Opus 4 (claude-4-opus-20250514) gone and a new model. */
function modifiedSource(): string {
  const rows = JSON.parse(fs.readFileSync(LITELLM, 'utf8')) as Rows;
  rows['claude-opus-4-7'] = { ...rows['claude-opus-4-7'], input_cost_per_token: 6e-6 };
  delete rows['claude-4-opus-20250514'];
  rows['claude-opus-9'] = { ...rows['claude-opus-4-7'], input_cost_per_token: 4e-6 };
  const file = path.join(tempDir('claudelens-litellm-'), 'model_prices_and_context_window.json');
  fs.writeFileSync(file, JSON.stringify(rows));
  return file;
}

describe('tableFromLitellm', () => {
  it('makes the shipped table from the rows it was built from (scripts/build-prices.mjs)', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages/server/data/prices.json'), 'utf8')) as { models: unknown };
    expect(tableFromLitellm(JSON.parse(fs.readFileSync(LITELLM, 'utf8'))).models).toEqual(shipped.models);
  });
});

describe('claudelens prices update', () => {
  it('writes the refreshed table into the data dir and reports what changed against the table it replaces', async () => {
    const dataDir = tempDir('claudelens-data-');
    const from = modifiedSource();
    const first = await runCli(['prices', 'update', '--from', from, '--data-dir', dataDir, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const changes = JSON.parse(first.stdout) as { file: string; added: string[]; removed: string[]; changed: { model: string; before: { input: number }; after: { input: number } }[] };
    expect(changes.file).toBe(path.join(dataDir, 'prices.json'));
    expect(changes.added).toEqual(['claude-opus-9']);
    expect(changes.removed).toEqual(['claude-4-opus-20250514']);
    expect(changes.changed.map((c) => [c.model, c.before.input, c.after.input])).toEqual([['claude-opus-4-7', 5, 6]]);

    // Again: nothing changed; the text report says so.
    const again = await runCli(['prices', 'update', '--from', from, '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no model changed');
  });

  it('prices with the refreshed table, the shipped one as the fallback and the user file on top', async () => {
    const dataDir = tempDir('claudelens-data-');
    expect((await runCli(['prices', 'update', '--from', modifiedSource(), '--data-dir', dataDir])).code).toBe(0);
    const book = loadPriceBook(null, dataDir);
    expect(book.lookup('claude-opus-4-7')?.input).toBe(6);
    expect(book.lookup('claude-opus-9')?.input).toBe(4);
    expect(book.lookup('claude-4-opus-20250514')?.input).toBe(15); // gone from the source: the shipped price stays
    const mine = path.join(dataDir, 'mine.json');
    fs.writeFileSync(mine, JSON.stringify({ models: { 'claude-opus-4-7': { input: 7, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 } } }));
    expect(loadPriceBook(mine, dataDir).lookup('claude-opus-4-7')?.input).toBe(7);

    // The CLI computes costs with it: Opus 4.7 input is dearer than in the oracle (shipped prices).
    const home = copyFixtureHome(['-experiments-worktrees']);
    expect((await runCli(['import', '--claude-dir', home, '--data-dir', dataDir])).code).toBe(0);
    const report = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--claude-dir', home, '--data-dir', dataDir])).stdout));
    const oracle = (JSON.parse(fs.readFileSync(ORACLE, 'utf8')) as { sessions: { sessionId: string; inputTokens: number; totalCost: number }[] }).sessions;
    const want = oracle.find((s) => s.sessionId === 'ef958aa1-0e93-49f0-bb71-150f63befcd1');
    const got = report.sessions.find((s) => s.sessionId === want?.sessionId);
    expect(got?.inputTokens).toBe(want?.inputTokens);
    expect((got?.totalCost ?? 0) - (want?.totalCost ?? 0)).toBeCloseTo(((want?.inputTokens ?? 0) * 1) / 1e6, 9);
  });

  it('keeps the table it has when the source is not a LiteLLM table', async () => {
    const dataDir = tempDir('claudelens-data-');
    const bad = path.join(dataDir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ 'gpt-9': { litellm_provider: 'openai', input_cost_per_token: 1, output_cost_per_token: 1 } }));
    const result = await runCli(['prices', 'update', '--from', bad, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no Anthropic claude-* models');
    expect(fs.existsSync(path.join(dataDir, 'prices.json'))).toBe(false);
  });
});
