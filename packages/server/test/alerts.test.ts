// Alerts end to end: the real server on a copy of a fixture project, transcript lines appended
// to a new session, the alert seen on /ws/activity-stream, listed and acknowledged over REST,
// and POSTed to a real webhook.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ActivityChannelEventSchema, AlertListSchema, AlertSchema, ErrorBodySchema, type ActivityEvent, type Alert, type AlertTriggeredActivity } from '@claudelens/protocol';
import { startServer, type RunningServer } from '../src/cli/startServer.js';
import { LiveConfigSchema } from '../src/config/liveConfig.js';
import { assistantLine, copyFixtureHome, tempDir, waitFor } from './helpers.js';
import { closeWebhookServers, webhookServer, type WebhookServer } from './webhookServer.js';

const SESSION = randomUUID();

function toolResultLine(toolUseId: string, isError: boolean): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/tmp/alerts',
    sessionId: SESSION,
    version: '2.1.114',
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'exit code 1', is_error: isError }] },
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
  });
}

/** A Bash call and its failed result; returns the lines. */
function failedBash(): string[] {
  const uuid = randomUUID();
  return [
    assistantLine({ sessionId: SESSION, uuid, messageId: `msg_${uuid}`, requestId: `req_${uuid}`, tool: 'Bash', cwd: '/tmp/alerts' }),
    toolResultLine(`toolu_${uuid.slice(0, 8)}`, true),
  ];
}

describe('alerts against the real server', () => {
  const home = copyFixtureHome(['-Users-user-project']);
  const projectDir = path.join(home, 'projects', '-tmp-alerts');
  const file = path.join(projectDir, `${SESSION}.jsonl`);
  let server: RunningServer;
  let hook: WebhookServer;
  let ws: WebSocket;
  const activity: ActivityEvent[] = [];
  const alertsOnStream = (rule: string) => activity.filter((e): e is AlertTriggeredActivity => e.type === 'alert_triggered' && e.data.alert.rule === rule);

  beforeAll(async () => {
    fs.mkdirSync(projectDir, { recursive: true });
    hook = await webhookServer();
    const live = LiveConfigSchema.parse({ alerts: { toolFailureStreak: { threshold: 2 } }, webhooks: [{ url: hook.url, backoffMs: 50 }] });
    server = await startServer({ claudeDirs: [home], dataDir: tempDir(), databaseUrl: null, pricesFile: null }, { host: '127.0.0.1', port: 0, live });
    ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/activity-stream`);
    ws.on('message', (data) => {
      const event = ActivityChannelEventSchema.parse(JSON.parse(String(data)));
      if (event.type !== 'snapshot' && event.type !== 'resync' && event.type !== 'pong') activity.push(event);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  });

  afterAll(async () => {
    ws?.close();
    await server?.close();
    await closeWebhookServers();
  });

  const get = async (query: string) => {
    const response = await fetch(`${server.url}/api/v1/alerts${query}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('appended lines make a rule fire once: on the activity stream, in GET /api/v1/alerts, at the webhook', async () => {
    fs.appendFileSync(file, `${failedBash().join('\n')}\n`);
    fs.appendFileSync(file, `${failedBash().join('\n')}\n`);
    const [event] = await waitFor(() => (alertsOnStream('tool_failure_streak').length > 0 ? alertsOnStream('tool_failure_streak') : undefined), 20_000, 'alert_triggered');
    const alert = AlertSchema.parse(event?.data.alert);
    expect(event?.data.session_id).toBe(SESSION);
    expect(alert).toMatchObject({ rule: 'tool_failure_streak', session_id: SESSION, project: '/tmp/alerts', value: 2, threshold: 2, acknowledged: false });
    expect(alert.message).toContain('Bash failed 2 times in a row');

    // A third failure: the condition still holds, so no second alert.
    fs.appendFileSync(file, `${failedBash().join('\n')}\n`);
    await waitFor(async () => ((await server.store.session(SESSION))?.toolUseCount === 3 ? true : undefined), 20_000, 'third failure stored');
    server.alerts.evaluate();

    const list = AlertListSchema.parse((await get('')).body);
    expect(list.alerts.filter((a) => a.rule === 'tool_failure_streak')).toEqual([alert]);
    expect(AlertListSchema.parse((await get(`?session_id=${SESSION}`)).body).alerts).toEqual([alert]);
    expect(AlertListSchema.parse((await get('?session_id=someone-else')).body).alerts).toEqual([]);
    expect(AlertListSchema.parse((await get(`?since=${encodeURIComponent(alert.triggered_at)}`)).body).alerts).toEqual([]);
    expect(AlertListSchema.parse((await get(`?since=${Date.parse(alert.triggered_at) - 1}`)).body).alerts).toEqual([alert]);
    const bad = await get('?since=yesterday-ish');
    expect(bad.status).toBe(400);
    expect(ErrorBodySchema.parse(bad.body).error.parameter).toBe('since');

    const received = await waitFor(() => (hook.received.length > 0 ? hook.received : undefined), 10_000, 'webhook');
    expect(received.map((r) => AlertSchema.parse(r.body))).toEqual([alert]);
    expect(alertsOnStream('tool_failure_streak')).toHaveLength(1);
  });

  it('POST /api/v1/alerts/{id}/ack marks an alert acknowledged; an unknown id is a 404', async () => {
    const [alert] = AlertListSchema.parse((await get('')).body).alerts as [Alert];
    const ack = await fetch(`${server.url}/api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect(AlertSchema.parse(await ack.json())).toEqual({ ...alert, acknowledged: true });
    expect(AlertListSchema.parse((await get('')).body).alerts[0]).toMatchObject({ id: alert.id, acknowledged: true });

    const unknown = await fetch(`${server.url}/api/v1/alerts/no-such-alert/ack`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(ErrorBodySchema.parse(await unknown.json()).error.code).toBe('not_found');
  });

  it('a line that cannot be parsed raises parse_errors; /metrics counts alerts and webhook deliveries', async () => {
    fs.appendFileSync(file, '{"type":"user", this is not json\n');
    const [event] = await waitFor(() => (alertsOnStream('parse_errors').length > 0 ? alertsOnStream('parse_errors') : undefined), 20_000, 'parse_errors alert');
    expect(event?.data.alert).toMatchObject({ rule: 'parse_errors', severity: 'info', session_id: null, value: 1 });
    expect(event?.data.session_id).toBeUndefined(); // an alert about everything names no session

    await waitFor(() => (hook.received.length === 2 ? true : undefined), 10_000, 'second webhook delivery');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^claudelens_alerts_fired_total 2$/m);
    expect(metrics).toMatch(/^claudelens_webhook_deliveries_total 2$/m);
    expect(metrics).toMatch(/^claudelens_webhook_failures_total 0$/m);
  });
});
