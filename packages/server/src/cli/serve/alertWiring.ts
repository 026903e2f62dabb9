import type { FastifyBaseLogger } from 'fastify';
import type { Alert } from '@claudelens/protocol';
import { AlertMonitor } from '../../alerts/alertMonitor.js';
import { BudgetMonitor } from '../../alerts/budgetMonitor.js';
import { WebhookSender } from '../../alerts/webhookSender.js';
import type { LiveConfig } from '../../config/liveConfig.js';
import { conditionKey } from '../../core/alerts/alertEngine.js';
import { AlertLog } from '../../core/alerts/alertLog.js';
import type { LiveState } from '../../core/live/liveState.js';
import type { EventBus } from '../../live/bus.js';
import { channels } from '../../live/channels.js';
import type { Hub } from '../../live/hub.js';
import { publishAlert } from '../../live/liveEngine.js';
import type { LimitsStore } from '../../store/repository.js';

/** How long an alert's claim keeps the other nodes from sending the same one: they evaluate within a second or two of each other. */
const ALERT_CLAIM_MS = 5_000;

/** Alerts kept for GET /api/v1/alerts. */
const ALERTS_KEPT = 500;

export interface AlertParts {
  alerts: AlertMonitor;
  /** Budgets and plan limits (docs/alerts.md). */
  budgets: BudgetMonitor;
  webhooks: WebhookSender;
}

export interface AlertWiring {
  live: LiveConfig;
  state: LiveState;
  hub: Hub;
  bus: EventBus;
  /** What the budget monitor reads. */
  store: Pick<LimitsStore, 'spendByProject'>;
  logger?: FastifyBaseLogger;
}

/**
 * Alerts: the rules read the engine's events and the live state; each alert goes on the activity
 * stream and to the webhooks (queued, never awaited here). With several nodes all of them see the
 * same condition; the one that claims it first sends it, and every node keeps the alert that went
 * out (from the activity stream), so they list the same ids.
 */
export function wireAlerts({ live, state, hub, bus, store, logger }: AlertWiring): AlertParts {
  const webhooks = new WebhookSender(live.webhooks, { logger });
  // The log the API lists; an alert another node claimed first leaves it again (that node's copy comes back on the activity stream).
  const log = new AlertLog(ALERTS_KEPT);
  const send = (alert: Alert, claimMs: number) => {
    void publishAlert(bus, conditionKey(alert), claimMs, { session_id: alert.session_id ?? undefined, project: alert.project ?? undefined, alert }, Date.now()).then((sent) =>
      sent ? webhooks.send(alert) : log.remove(alert.id),
    );
  };
  const alerts = new AlertMonitor({ rules: live.alerts, sessions: state, log, logger, onAlert: (alert) => send(alert, ALERT_CLAIM_MS) });
  // A budget's condition holds all day: the claim lasts its cooldown, so nodes checking a minute apart send it once.
  const budgets = new BudgetMonitor({
    store,
    budgets: live.budgets,
    planLimits: live.planLimits,
    logger,
    onAlert: (alert) => send(alert, (alert.rule === 'budget' ? live.budgets : live.planLimits).cooldownSeconds * 1000),
  });
  hub.subscribe(channels.activity, {
    deliver: (event) => {
      if (event.type === 'alert_triggered') log.add((event.data as { alert: Alert }).alert);
    },
  });
  return { alerts, budgets, webhooks };
}
