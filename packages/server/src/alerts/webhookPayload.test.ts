import { describe, expect, it } from 'vitest';
import type { Alert } from '@claudelens/protocol';
import { webhookPayload } from './webhookPayload.js';

const alert: Alert = {
  id: 'budget:/work/app:day:1:80:2',
  rule: 'budget',
  severity: 'warning',
  message: 'Spent $8.50 of the $10.00 daily budget of /work/app (85%, threshold 80%)',
  session_id: null,
  project: '/work/app',
  value: 85,
  threshold: 80,
  triggered_at: '2026-01-15T15:00:00.000Z',
  acknowledged: false,
};

describe('webhookPayload', () => {
  it('json: the protocol alert', () => {
    const { body, headers } = webhookPayload(alert, 'json');
    expect(JSON.parse(body)).toEqual(alert);
    expect(headers['content-type']).toBe('application/json');
  });

  it('slack: an incoming-webhook message with text only', () => {
    const { body, headers } = webhookPayload(alert, 'slack');
    expect(JSON.parse(body)).toEqual({ text: ':warning: *ClaudeLens warning* (budget): Spent $8.50 of the $10.00 daily budget of /work/app (85%, threshold 80%)\nproject `/work/app`' });
    expect(headers['content-type']).toBe('application/json');
  });

  it('ntfy: the message as plain text, title, priority and tags in headers', () => {
    const { body, headers } = webhookPayload({ ...alert, severity: 'critical' }, 'ntfy');
    expect(body).toBe(alert.message);
    expect(headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', title: 'ClaudeLens critical: budget', priority: '5', tags: 'rotating_light' });
  });
});
