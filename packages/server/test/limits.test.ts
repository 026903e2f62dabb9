// Plan limits end to end: the built `claudelens statusline` (through bin/claudelens.js, as Claude
// Code runs it) against the real server, GET /api/v1/usage/limits, limits_update on
// /ws/metrics-updates, plan-limit and budget alerts to real webhooks (Slack-shaped and JSON), and
// `statusline --install` on a real settings.json.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MetricsChannelEventSchema, UsageLimitsSchema, type MetricsChannelEvent } from '@claudelens/protocol';
import { startServer, type RunningServer } from '../src/cli/startServer.js';
import { LiveConfigSchema } from '../src/config/liveConfig.js';
import { assistantLine, emptyHome, REPO_ROOT, tempDir, waitFor } from './helpers.js';
import { closeWebhookServers, refusedUrl, webhookServer, type WebhookServer } from './webhookServer.js';

const BIN = path.join(REPO_ROOT, 'packages', 'server', 'bin', 'claudelens.js');
const TOKEN = 'limits-test-token';

function statusline(args: string[], stdin: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'statusline', ...args], { env: { ...process.env, NO_COLOR: '1', CLAUDELENS_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
function claudeInput(fiveHour: number, sevenDay: number) {
  return JSON.stringify({
    session_id: 'status-session',
    transcript_path: '/tmp/x.jsonl',
    model: { id: 'claude-opus-4-6', display_name: 'Opus 4.6' },
    workspace: { current_dir: '/tmp/w', project_dir: '/tmp/w' },
    cost: { total_cost_usd: 1.5 },
    context_window: { used_percentage: 42 },
    rate_limits: { five_hour: { used_percentage: fiveHour, resets_at: nowSeconds() + 3600 }, seven_day: { used_percentage: sevenDay, resets_at: nowSeconds() + 3 * 86400 } },
  });
}

describe('plan limits against the real server', () => {
  const { home, projectDir } = emptyHome('-tmp-budget');
  let server: RunningServer;
  let slack: WebhookServer;
  let json: WebhookServer;
  let tokenFile: string;
  const metrics: MetricsChannelEvent[] = [];
  let ws: WebSocket;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    slack = await webhookServer();
    json = await webhookServer();
    const live = LiveConfigSchema.parse({
      webhooks: [
        { url: slack.url, format: 'slack', backoffMs: 50 },
        { url: json.url, backoffMs: 50 },
      ],
      planLimits: { thresholds: [50, 80] },
      budgets: { daily: 0.0001, thresholds: [50], checkEverySeconds: 3600 },
    });
    server = await startServer({ claudeDirs: [home], dataDir: tempDir(), databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live, token: TOKEN });
    tokenFile = path.join(tempDir(), 'token');
    fs.writeFileSync(tokenFile, `${TOKEN}\n`);
    ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/metrics-updates`, { headers: auth });
    ws.on('message', (data) => metrics.push(MetricsChannelEventSchema.parse(JSON.parse(String(data)))));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  });

  afterAll(async () => {
    ws?.close();
    await server?.close();
    await closeWebhookServers();
  });

  it('prints the line, hands the limits to the server, and the server answers with pace and projection', async () => {
    const result = await statusline(['--server', server.url, '--token-file', tokenFile], claudeInput(82, 51));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Opus 4\.6 · \$1\.50 session · \$0\.00 today · 5h 82% ↻\d\d:\d\d .*· 7d 51% ↻\w{3} \d\d:\d\d.* · ctx 42%\n$/);
    const response = await fetch(`${server.url}/api/v1/usage/limits`, { headers: auth });
    const limits = UsageLimitsSchema.parse(await response.json());
    expect(limits.five_hour).toMatchObject({ used_percentage: 82, window_seconds: 18000, pace: { state: 'ahead' }, full_before_reset: true });
    expect(limits.seven_day).toMatchObject({ used_percentage: 51, pace: { state: 'behind' } });
    expect(limits.estimate).toBeNull();
    // The change went out on the metrics channel.
    const update = await waitFor(() => metrics.find((e) => e.type === 'limits_update'));
    expect(update).toMatchObject({ data: { five_hour: { used_percentage: 82 }, seven_day: { used_percentage: 51 } } });
  });

  it('alerts at the plan-limit shares, once, with a Slack-shaped payload to a Slack webhook', async () => {
    const received = await waitFor(() => (slack.received.length >= 2 ? slack.received : undefined));
    const texts = received.map((r) => (r.body as { text: string }).text).sort();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^:information_source: \*ClaudeLens info\* \(plan_limit\): 7-day plan limit at 51% \(threshold 50%\)/);
    expect(texts[1]).toMatch(/^:warning: \*ClaudeLens warning\* \(plan_limit\): 5-hour plan limit at 82% \(threshold 80%\)/);
    expect(Object.keys(received[0]?.body as object)).toEqual(['text']);
    // The same webhook's JSON sibling got the protocol's alert.
    await waitFor(() => (json.received.length >= 2 ? true : undefined));
    expect(json.received[0]?.body).toMatchObject({ rule: 'plan_limit', acknowledged: false });
    // The same usage again: no new alert.
    await statusline(['--server', server.url, '--token', TOKEN], claudeInput(83, 51));
    await server.webhooks.idle();
    expect(slack.received).toHaveLength(2);
  });

  it('alerts when the day\'s spending passes a share of the daily budget', async () => {
    const session = randomUUID();
    fs.writeFileSync(path.join(projectDir, `${session}.jsonl`), `${assistantLine({ sessionId: session, uuid: randomUUID(), messageId: `msg_${session}`, requestId: `req_${session}`, input: 1000, output: 100 })}\n`);
    await waitFor(async () => ((await server.store.session(session)) ? true : undefined));
    await server.budgets.check();
    const alert = await waitFor(() => json.received.map((r) => r.body as { rule: string; message: string }).find((a) => a.rule === 'budget'));
    expect(alert.message).toMatch(/^Spent \$0\.00 of the \$0\.00 daily budget \(\d+%, threshold 50%\)$/);
  });

  it('never fails the line: server down, malformed stdin, no rate limits, a wrong token', async () => {
    const down = await statusline(['--server', await refusedUrl()], claudeInput(10, 5));
    expect(down).toMatchObject({ code: 0, stderr: '' });
    expect(down.stdout).toMatch(/^Opus 4\.6 · \$1\.50 session · 5h 10% ↻\d\d:\d\d · 7d 5% ↻\w{3} \d\d:\d\d · ctx 42%\n$/);
    expect(await statusline(['--server', server.url], 'not json {')).toEqual({ code: 0, stdout: 'ClaudeLens\n', stderr: '' });
    const unauthorised = await statusline(['--server', server.url, '--token', 'wrong'], JSON.stringify({ model: { display_name: 'Sonnet' } }));
    expect(unauthorised).toEqual({ code: 0, stdout: 'Sonnet\n', stderr: '' });
    // No rate_limits in this session's input (an API key): the server's last report is shown.
    const api = await statusline(['--server', server.url, '--token', TOKEN], JSON.stringify({ model: { display_name: 'Sonnet' }, cost: { total_cost_usd: 0.2 } }));
    expect(api.stdout).toMatch(/^Sonnet · \$0\.20 session · \$0\.\d\d today · 5h 83% ↻/);
    expect(await statusline(['--server', server.url, '--bogus-flag'], '{}')).toEqual({ code: 0, stdout: 'ClaudeLens\n', stderr: '' });
  });

  it('refuses a malformed report and requests without the token', async () => {
    const bad = await fetch(`${server.url}/api/v1/usage/limits`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ rate_limits: { five_hour: { used_percentage: 'lots' } } }) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/usage/limits`)).status).toBe(401);
  });
});

describe('statusline --install', () => {
  it('shows the entry, writes it only when confirmed, keeps the other keys and a backup', async () => {
    const dir = tempDir('claudelens-claude-config-');
    const file = path.join(dir, 'settings.json');
    const original = `${JSON.stringify({ model: 'opus', hooks: { Stop: [] } }, null, 2)}\n`;
    fs.writeFileSync(file, original);
    const env = { CLAUDE_CONFIG_DIR: `${dir},/elsewhere` };
    const shown = await statusline(['--install'], '', env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('"statusLine": {');
    expect(shown.stdout).toContain('not written');
    expect(fs.readFileSync(file, 'utf8')).toBe(original);

    const written = await statusline(['--install', '--yes', '--server', 'http://127.0.0.1:4281'], '', env);
    expect(written.code).toBe(0);
    const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { model: string; hooks: object; statusLine: { type: string; command: string; padding: number } };
    expect(settings).toMatchObject({ model: 'opus', hooks: { Stop: [] }, statusLine: { type: 'command', padding: 0 } });
    expect(settings.statusLine.command).toBe(`${process.execPath} ${BIN} statusline --server http://127.0.0.1:4281`);
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(original);
    // The command it wrote runs.
    const run = await new Promise<string>((resolve) => {
      const child = spawn('sh', ['-c', settings.statusLine.command], { env: { ...process.env, NO_COLOR: '1' } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(out));
      child.stdin.end(JSON.stringify({ model: { display_name: 'Haiku' } }));
    });
    expect(run).toBe('Haiku\n');
  });

  it('leaves a settings.json it cannot read as it is, and says why', async () => {
    const dir = tempDir('claudelens-claude-config-');
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"model": "opus",');
    const result = await statusline(['--install', '--yes'], '', { CLAUDE_CONFIG_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^claudelens statusline: .*settings\.json is not valid JSON .*; not touching it\n$/);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe('{"model": "opus",');
    expect(fs.existsSync(path.join(dir, 'settings.json.bak'))).toBe(false);
  });
});
