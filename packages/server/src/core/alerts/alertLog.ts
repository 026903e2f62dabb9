import type { Alert } from '@claudelens/protocol';

export interface AlertFilter {
  sessionId?: string;
  /** Only alerts triggered strictly after this time (epoch ms). */
  afterMs?: number;
}

/**
 * The recent alerts, in memory: the last `capacity`, oldest dropped first. Not persisted; a
 * restart starts with an empty list (the activity stream and webhooks carried the old ones).
 */
export class AlertLog {
  private readonly alerts = new Map<string, Alert>();

  constructor(private readonly capacity = 500) {}

  add(alert: Alert): void {
    this.alerts.set(alert.id, alert);
    if (this.alerts.size > this.capacity) this.alerts.delete(this.alerts.keys().next().value as string);
  }

  /** Forgets an alert (another node sent the same condition's, which this log keeps instead). */
  remove(id: string): void {
    this.alerts.delete(id);
  }

  /** Newest first. */
  list(filter: AlertFilter = {}): Alert[] {
    const out: Alert[] = [];
    for (const alert of this.alerts.values()) {
      if (filter.sessionId !== undefined && alert.session_id !== filter.sessionId) continue;
      if (filter.afterMs !== undefined && !(Date.parse(alert.triggered_at) > filter.afterMs)) continue;
      out.push(alert);
    }
    return out.reverse();
  }

  /** Marks an alert acknowledged; undefined when no such alert is kept. */
  acknowledge(id: string): Alert | undefined {
    const alert = this.alerts.get(id);
    if (!alert) return undefined;
    const acknowledged = { ...alert, acknowledged: true };
    this.alerts.set(id, acknowledged);
    return acknowledged;
  }
}
