// Charges beyond the token cost, end to end through the built CLI: a real claude-opus-4-7 line of
// the fixture corpus (Claude Code 2.1.x) made to carry two web searches and US-only inference, the
// way the API reports them; the token cost stays what ccusage computes for the line as written.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionReportSchema } from '@claudelens/protocol';
import { emptyHome, FIXTURE_HOME, runCli, tempDir } from './helpers.js';

const SOURCE = path.join(FIXTURE_HOME, 'projects/-experiments-worktrees/ef958aa1-0e93-49f0-bb71-150f63befcd1/subagents/agent-a4ca7529859c158c2.jsonl');
const SESSION = 'ef958aa1-0e93-49f0-bb71-150f63befcd1';

async function report(withExtras: boolean) {
  const line = JSON.parse(fs.readFileSync(SOURCE, 'utf8').split('\n')[2] as string) as { message: { usage: Record<string, unknown> } };
  if (withExtras) line.message.usage = { ...line.message.usage, server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 }, inference_geo: 'us' };
  const { home, projectDir } = emptyHome('-experiments-worktrees');
  fs.writeFileSync(path.join(projectDir, `${SESSION}.jsonl`), `${JSON.stringify(line)}\n`);
  const dataDir = tempDir('claudelens-data-');
  expect((await runCli(['import', '--claude-dir', home, '--data-dir', dataDir])).code).toBe(0);
  const json = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--claude-dir', home, '--data-dir', dataDir])).stdout));
  const text = (await runCli(['report', 'sessions', '--claude-dir', home, '--data-dir', dataDir])).stdout;
  return { session: json.sessions[0], text };
}

describe('charges beyond the token cost', () => {
  it('are reported on their own lines and in extraCharges, the token cost unchanged', async () => {
    const plain = await report(false);
    const billed = await report(true);
    expect(billed.session?.totalCost).toBe(plain.session?.totalCost);
    expect(billed.session?.extraCharges).toMatchObject({ webSearchRequests: 2, webFetchRequests: 1, serverToolCost: 0.02, usOnlyRequests: 1 });
    expect(billed.session?.extraCharges?.dataResidencyCost).toBeCloseTo((plain.session?.totalCost ?? 0) * 0.1, 12);
    expect(billed.text).toContain("+ web search: 2 searches, $0.02 (not in ccusage's figures)");
    expect(billed.text).toMatch(/\+ US-only inference: 1 requests, \$0\.\d\d premium/);
    expect(plain.text).not.toContain('+ web search');
  });
});
