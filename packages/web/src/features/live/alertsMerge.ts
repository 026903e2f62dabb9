import type { Alert } from '@claudelens/protocol';

/** The server keeps its last 500 alerts; so does the client. */
export const ALERT_LIMIT = 500;

/** Alerts by id (a later copy wins: it may be acknowledged), newest first. */
export function mergeAlerts(current: Alert[] | undefined, incoming: Alert[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const alert of current ?? []) byId.set(alert.id, alert);
  for (const alert of incoming) byId.set(alert.id, alert);
  return [...byId.values()].sort((a, b) => (a.triggered_at < b.triggered_at ? 1 : a.triggered_at > b.triggered_at ? -1 : 0)).slice(0, ALERT_LIMIT);
}
