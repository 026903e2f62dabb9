import type { Alert } from '@claudelens/protocol';

export type WebhookFormat = 'json' | 'slack' | 'ntfy';

export interface WebhookPayload {
  body: string;
  headers: Record<string, string>;
}

const NTFY_PRIORITY: Record<Alert['severity'], string> = { info: '3', warning: '4', critical: '5' };
const SLACK_ICON: Record<Alert['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

/**
 * An alert as each kind of receiver takes it as it is: `json`, the protocol's AlertSchema;
 * `slack`, an incoming-webhook message (`text`, mrkdwn); `ntfy`, a plain-text message POSTed to
 * the topic URL with its title, priority and tags in headers (docs.ntfy.sh, "Publishing").
 */
export function webhookPayload(alert: Alert, format: WebhookFormat): WebhookPayload {
  if (format === 'slack') {
    const where = [alert.project && `project \`${alert.project}\``, alert.session_id && `session \`${alert.session_id}\``].filter(Boolean).join(', ');
    const text = `${SLACK_ICON[alert.severity]} *ClaudeLens ${alert.severity}* (${alert.rule}): ${alert.message}${where ? `\n${where}` : ''}`;
    return { body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' } };
  }
  if (format === 'ntfy') {
    return {
      body: alert.message,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        // Header values must be Latin-1: the rule id is ASCII.
        title: `ClaudeLens ${alert.severity}: ${alert.rule}`,
        priority: NTFY_PRIORITY[alert.severity],
        tags: alert.severity === 'critical' ? 'rotating_light' : alert.severity === 'warning' ? 'warning' : 'information_source',
      },
    };
  }
  return { body: JSON.stringify(alert), headers: { 'content-type': 'application/json' } };
}
