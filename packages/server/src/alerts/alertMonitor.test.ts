// The monitor between the real live engine, hub and webhook sender: alerts reach the activity
// stream, and two dead webhooks (one refusing connections, one never answering) hold nothing up.
import { AlertSchema, AlertTriggeredActivitySchema } from '@claudelens/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedUserLine } from '../../test/helpers.js';
import { closeWebhookServers, refusedUrl, webhookServer } from '../../test/webhookServer.js';
import { AlertsConfigSchema, WebhookConfigSchema } from '../config/alertsConfig.js';
import { LiveState } from '../core/live/liveState.js';
import { conditionKey } from '../core/alerts/alertEngine.js';
import { LocalBus } from '../live/bus.js';
import { channels, ringSize } from '../live/channels.js';
import { Hub, type ChannelEvent } from '../live/hub.js';
import { LiveEngine } from '../live/liveEngine.js';
import { AlertMonitor } from './alertMonitor.js';
import { WebhookSender } from './webhookSender.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await closeWebhookServers();
});

const MIN = 60_000;

function setup(webhooks: WebhookSender, onAlertError = false) {
  const clock = { now: Date.now() };
  const state = new LiveState({ idleAfterMs: 2 * MIN, endedAfterMs: 30 * MIN }, () => clock.now);
  const hub = new Hub(ringSize);
  const activity: ChannelEvent[] = [];
  hub.subscribe(channels.activity, { deliver: (event) => activity.push(event) });
  const errors: unknown[] = [];
  const rules = AlertsConfigSchema.parse({ sessionCost: { threshold: 1 }, parseErrors: { enabled: false } });
  const monitor = new AlertMonitor({
    rules,
    sessions: state,
    now: () => clock.now,
    logger: { error: (details) => errors.push(details) },
    onAlert: (alert) => {
      if (onAlertError) throw new Error('subscriber broke');
      void engine.alert(conditionKey(alert), 5000, { session_id: alert.session_id ?? undefined, project: alert.project ?? undefined, alert });
      webhooks.send(alert);
    },
  });
  const engine = new LiveEngine(state, new LocalBus(hub), { now: () => clock.now, onEvents: (events) => monitor.onEvents(events) });
  cleanups.push(() => engine.stop());
  return { clock, engine, monitor, activity, errors };
}

const microtasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AlertMonitor', () => {
  it('publishes alert_triggered after the events that caused it, and keeps the alert', async () => {
    const { engine, monitor, activity } = setup(new WebhookSender([]));
    engine.onApplied(appliedUserLine('s1', Date.now(), 0.5));
    engine.onApplied(appliedUserLine('s1', Date.now(), 1.5));
    await microtasks();
    const types = activity.map((e) => e.type);
    expect(types.filter((t) => t === 'alert_triggered')).toHaveLength(1);
    expect(types.lastIndexOf('new_message')).toBeLessThan(types.indexOf('alert_triggered'));
    const event = AlertTriggeredActivitySchema.parse(activity.find((e) => e.type === 'alert_triggered'));
    expect(event.data).toMatchObject({ session_id: 's1', project: '/home/me/shop', alert: { rule: 'session_cost', value: 1.5 } });
    expect(monitor.log.list()).toEqual([AlertSchema.parse(event.data.alert)]);
    expect(monitor.fired).toBe(1);
  });

  it('keeps publishing while two dead webhooks fail', async () => {
    const hanging = await webhookServer(() => null);
    const refused = await refusedUrl();
    const webhooks = new WebhookSender(
      [WebhookConfigSchema.parse({ url: hanging.url, timeoutMs: 30_000 }), WebhookConfigSchema.parse({ url: refused, retries: 10, backoffMs: 20 })],
      { queueSize: 1000 },
    );
    cleanups.push(() => webhooks.close());
    const { engine, activity } = setup(webhooks);
    const alertsOnStream = () => activity.filter((e) => e.type === 'alert_triggered').length;

    // 200 sessions cross $1, one batch each, without yielding to I/O: every alert is on the
    // stream before either webhook could even be contacted.
    let started = performance.now();
    for (let i = 0; i < 200; i++) {
      engine.onApplied(appliedUserLine(`a${i}`, Date.now(), 2));
      await Promise.resolve();
    }
    expect(alertsOnStream()).toBe(200);
    const firstMs = performance.now() - started;
    expect(hanging.received).toHaveLength(0);

    // Now with the hanging request open and the refused webhook retrying: 200 more.
    await expect.poll(() => hanging.received.length).toBe(1);
    await expect.poll(() => webhooks.counters.retried).toBeGreaterThan(0);
    started = performance.now();
    for (let i = 0; i < 200; i++) {
      engine.onApplied(appliedUserLine(`b${i}`, Date.now(), 2));
      await microtasks();
    }
    const secondMs = performance.now() - started;
    expect(alertsOnStream()).toBe(400);
    expect(hanging.received).toHaveLength(1); // still holding its first request
    expect(webhooks.counters).toMatchObject({ delivered: 0, failed: 0 });
    console.log(`alerts published: 200 in ${firstMs.toFixed(1)} ms, then 200 in ${secondMs.toFixed(1)} ms with one webhook hanging and one refusing`);
  });

  it('a failing subscriber or rule is logged, never thrown into the ingest path', async () => {
    const { engine, monitor, errors } = setup(new WebhookSender([]), true);
    expect(() => engine.onApplied(appliedUserLine('s1', Date.now(), 5))).not.toThrow();
    await microtasks();
    expect(monitor.log.list()).toHaveLength(1);
    expect(errors).toHaveLength(1);
    const broken = new AlertMonitor({
      rules: AlertsConfigSchema.parse({}),
      sessions: { all: () => { throw new Error('no state'); } },
      onAlert: () => undefined,
      logger: { error: (details) => errors.push(details) },
    });
    broken.onParseErrors(3);
    await microtasks();
    expect(errors).toHaveLength(2);
  });
});
