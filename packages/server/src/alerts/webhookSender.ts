import { setTimeout as sleep } from 'node:timers/promises';
import type { Alert } from '@claudelens/protocol';
import type { WebhookConfig } from '../config/alertsConfig.js';
import { webhookPayload, type WebhookPayload } from './webhookPayload.js';

export interface WebhookCounters {
  /** Alerts a webhook answered with 2xx. */
  delivered: number;
  /** Attempts repeated after a failure. */
  retried: number;
  /** Alerts given up on: retries exhausted, or a 3xx/4xx answer. */
  failed: number;
  /** Alerts dropped unsent because a webhook's queue was full. */
  dropped: number;
}

export interface WebhookLogger {
  warn(details: object, message: string): void;
}

export interface WebhookSenderOptions {
  /** Alerts waiting per webhook; beyond it the oldest is dropped. */
  queueSize?: number;
  logger?: WebhookLogger;
}

interface Target {
  config: WebhookConfig;
  /** The URL's origin: what logs show, since webhook URLs often carry a secret in their path. */
  name: string;
  queue: Alert[];
  busy: boolean;
}

type Outcome = { ok: true } | { ok: false; retry: boolean; reason: string };

const MAX_BACKOFF_MS = 30_000;

/**
 * POSTs each alert to every configured webhook, in the webhook's format (webhookPayload.ts). `send`
 * only queues: each webhook has its own bounded queue and one delivery in flight, so a slow or
 * dead webhook delays nothing but itself. A delivery is retried after a network error, a
 * timeout, a 5xx or a 429, with exponential backoff; a 3xx or other 4xx is final.
 */
export class WebhookSender {
  readonly counters: WebhookCounters = { delivered: 0, retried: 0, failed: 0, dropped: 0 };
  private readonly targets: Target[];
  private readonly queueSize: number;
  private readonly closing = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    webhooks: WebhookConfig[],
    private readonly options: WebhookSenderOptions = {},
  ) {
    this.queueSize = options.queueSize ?? 100;
    this.targets = webhooks.map((config) => ({ config, name: new URL(config.url).origin, queue: [], busy: false }));
  }

  send(alert: Alert): void {
    if (this.closing.signal.aborted) return;
    for (const target of this.targets) {
      target.queue.push(alert);
      if (target.queue.length > this.queueSize) {
        const dropped = target.queue.shift();
        this.counters.dropped++;
        this.options.logger?.warn({ webhook: target.name, alert: dropped?.id }, 'webhook queue full: alert dropped');
      }
      if (!target.busy) this.drain(target);
    }
  }

  /** Resolves once every queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Aborts the deliveries in flight and forgets the queued ones. */
  async close(): Promise<void> {
    this.closing.abort();
    for (const target of this.targets) target.queue.length = 0;
    await this.idle();
  }

  private drain(target: Target): void {
    target.busy = true;
    const run = (async () => {
      try {
        for (let alert = target.queue.shift(); alert; alert = target.queue.shift()) await this.deliver(target, alert);
      } finally {
        target.busy = false;
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async deliver(target: Target, alert: Alert): Promise<void> {
    const payload = webhookPayload(alert, target.config.format ?? 'json');
    const { retries, backoffMs } = target.config;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(target.config, alert.id, payload);
      if (outcome.ok) {
        this.counters.delivered++;
        return;
      }
      if (!outcome.retry || attempt >= retries || this.closing.signal.aborted) {
        this.counters.failed++;
        this.options.logger?.warn({ webhook: target.name, alert: alert.id, attempts: attempt + 1, reason: outcome.reason }, 'webhook delivery failed');
        return;
      }
      this.counters.retried++;
      await sleep(Math.min(backoffMs * 2 ** attempt, MAX_BACKOFF_MS), undefined, { signal: this.closing.signal, ref: false }).catch(() => undefined);
    }
  }

  private async attempt(config: WebhookConfig, alertId: string, { body, headers }: WebhookPayload): Promise<Outcome> {
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        // The id lets a receiver drop the duplicate a retry can cause (answer lost, not the request).
        headers: { ...headers, 'user-agent': 'claudelens', 'x-claudelens-alert-id': alertId },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(config.timeoutMs), this.closing.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { ok: true };
      return { ok: false, retry: response.status >= 500 || response.status === 429, reason: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, retry: true, reason: describe(error, config.timeoutMs) };
    }
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e.name === 'AbortError') return 'closing';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
