// Webhook delivery against real HTTP servers on 127.0.0.1: one that answers, one that fails
// then answers, one that refuses connections and one that never answers.
import { AlertSchema } from '@claudelens/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { closeWebhookServers, refusedUrl, sampleAlert, webhookServer } from '../../test/webhookServer.js';
import { WebhookConfigSchema } from '../config/alertsConfig.js';
import { WebhookSender } from './webhookSender.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await closeWebhookServers();
});

function logger() {
  const warnings: { details: Record<string, unknown>; message: string }[] = [];
  return { warnings, warn: (details: object, message: string) => warnings.push({ details: details as Record<string, unknown>, message }) };
}

function sender(urls: (string | { url: string; timeoutMs?: number; retries?: number; backoffMs?: number })[], queueSize?: number) {
  const log = logger();
  const webhooks = new WebhookSender(
    urls.map((u) => WebhookConfigSchema.parse(typeof u === 'string' ? { url: u, backoffMs: 10 } : { backoffMs: 10, ...u })),
    { logger: log, queueSize },
  );
  cleanups.push(() => webhooks.close());
  return { webhooks, log };
}

describe('WebhookSender', () => {
  it('POSTs the alert as JSON, with its id in a header', async () => {
    const server = await webhookServer();
    const { webhooks } = sender([server.url]);
    const alert = sampleAlert();
    webhooks.send(alert);
    await webhooks.idle();
    expect(server.received).toHaveLength(1);
    expect(AlertSchema.parse(server.received[0]?.body)).toEqual(alert);
    expect(server.received[0]?.headers).toMatchObject({ 'content-type': 'application/json', 'x-claudelens-alert-id': alert.id });
    expect(webhooks.counters).toEqual({ delivered: 1, retried: 0, failed: 0, dropped: 0 });
  });

  it('retries after a 500 and delivers', async () => {
    const server = await webhookServer((i) => (i === 0 ? 500 : 200));
    const { webhooks } = sender([server.url]);
    const alert = sampleAlert();
    webhooks.send(alert);
    await webhooks.idle();
    expect(server.received.map((r) => (r.body as { id: string }).id)).toEqual([alert.id, alert.id]);
    expect(webhooks.counters).toEqual({ delivered: 1, retried: 1, failed: 0, dropped: 0 });
  });

  it('gives up at once on a 4xx, after the retries on 5xx, and logs the origin only', async () => {
    const rejecting = await webhookServer(() => 400);
    const failing = await webhookServer(() => 503);
    const { webhooks, log } = sender([rejecting.url, { url: failing.url, retries: 2 }]);
    webhooks.send(sampleAlert());
    await webhooks.idle();
    expect(rejecting.received).toHaveLength(1);
    expect(failing.received).toHaveLength(3);
    expect(webhooks.counters).toEqual({ delivered: 0, retried: 2, failed: 2, dropped: 0 });
    expect(log.warnings.map((w) => w.details.reason).sort()).toEqual(['HTTP 400', 'HTTP 503']);
    expect(JSON.stringify(log.warnings)).not.toContain('secret-token');
  });

  it('counts a refused connection as a failure once its retries are spent', async () => {
    const { webhooks, log } = sender([{ url: await refusedUrl(), retries: 2 }]);
    webhooks.send(sampleAlert());
    await webhooks.idle();
    expect(webhooks.counters).toEqual({ delivered: 0, retried: 2, failed: 1, dropped: 0 });
    expect(log.warnings[0]?.details).toMatchObject({ reason: 'ECONNREFUSED', attempts: 3 });
  });

  it('times out a webhook that never answers, then retries it', async () => {
    const hanging = await webhookServer(() => null);
    const { webhooks, log } = sender([{ url: hanging.url, timeoutMs: 200, retries: 1 }]);
    webhooks.send(sampleAlert());
    await webhooks.idle();
    expect(hanging.received).toHaveLength(2);
    expect(webhooks.counters).toEqual({ delivered: 0, retried: 1, failed: 1, dropped: 0 });
    expect(log.warnings[0]?.details).toMatchObject({ reason: 'no answer within 200 ms', attempts: 2 });
  });

  it('a webhook that never answers delays no other webhook, and its queue stays bounded', async () => {
    const hanging = await webhookServer(() => null);
    const healthy = await webhookServer();
    const { webhooks, log } = sender([{ url: hanging.url, timeoutMs: 30_000 }, healthy.url], 5);
    // The healthy webhook gets each alert while the hanging one still holds its first request.
    for (let i = 1; i <= 20; i++) {
      webhooks.send(sampleAlert());
      await expect.poll(() => healthy.received.length).toBe(i);
    }
    expect(hanging.received).toHaveLength(1);
    // One in flight, 5 queued: the other 14 were dropped, counted and logged.
    expect(webhooks.counters).toEqual({ delivered: 20, retried: 0, failed: 0, dropped: 14 });
    expect(log.warnings.filter((w) => w.message.includes('queue full'))).toHaveLength(14);
  });

  it('close aborts a delivery in flight and sends nothing more', async () => {
    const hanging = await webhookServer(() => null);
    const { webhooks } = sender([{ url: hanging.url, timeoutMs: 60_000, retries: 5 }]);
    webhooks.send(sampleAlert());
    webhooks.send(sampleAlert());
    await expect.poll(() => hanging.received.length).toBe(1);
    await webhooks.close();
    webhooks.send(sampleAlert());
    await webhooks.idle();
    expect(hanging.received).toHaveLength(1);
    expect(webhooks.counters).toMatchObject({ delivered: 0, failed: 1 });
  });
});
