import type { Alert } from '@claudelens/protocol';
import { useEffect, useRef, useState } from 'react';
import { Link } from '../../../app/router';
import { formatTime, projectName } from '../../../lib/format';
import { useAcknowledgeAlert, useAlerts } from '../hooks/useAlerts';
import { useActivityChannel } from '../hooks/useLiveBoard';

const TOAST_MS = 10_000;
const TOASTS_SHOWN = 4;
const NOTIFY_KEY = 'claudelens.notifications';

/** Alerts that arrive while the app is open: not those already in the first list it read. */
function useNewAlerts(alerts: Alert[] | undefined): Alert[] {
  const known = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Alert[]>([]);
  useEffect(() => {
    if (!alerts) return;
    if (known.current === null) {
      known.current = new Set(alerts.map((a) => a.id));
      return;
    }
    const added = alerts.filter((a) => !known.current?.has(a.id));
    if (added.length === 0) return;
    for (const a of added) known.current.add(a.id);
    setFresh(added);
  }, [alerts]);
  return fresh;
}

function desktopNotify(alert: Alert): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return;
  if (localStorage.getItem(NOTIFY_KEY) !== 'on') return;
  new Notification(`ClaudeLens: ${alert.rule.replaceAll('_', ' ')}`, { body: alert.message, tag: alert.id });
}

function AlertItem({ alert, onDismiss, onCollapse }: { alert: Alert; onDismiss?: () => void; onCollapse?: () => void }) {
  const acknowledge = useAcknowledgeAlert();
  return (
    <div className={`alert-item severity-${alert.severity}${alert.acknowledged ? ' acknowledged' : ''}`} data-alert={alert.id}>
      <div className="alert-head">
        <span className="alert-severity">{alert.severity}</span>
        <span className="alert-rule">{alert.rule.replaceAll('_', ' ')}</span>
        <time dateTime={alert.triggered_at}>{formatTime(alert.triggered_at)}</time>
      </div>
      <p className="alert-message">{alert.message}</p>
      <div className="alert-actions">
        {alert.session_id && (
          <Link to={`/sessions/${encodeURIComponent(alert.session_id)}`} onClick={onDismiss}>
            {alert.project ? projectName(alert.project) : 'session'} →
          </Link>
        )}
        {alert.acknowledged ? (
          <span className="alert-acked">acknowledged</span>
        ) : (
          <button
            type="button"
            onClick={() => acknowledge.mutate(alert.id, { onSuccess: onDismiss })}
            disabled={acknowledge.isPending}
          >
            Acknowledge
          </button>
        )}
        {onCollapse && (
          <button type="button" className="ghost" onClick={onCollapse}>
            Collapse
          </button>
        )}
        {onDismiss && (
          <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss">
            Dismiss
          </button>
        )}
      </div>
    </div>
  );
}

/** A critical toast, folded to one line: it stays (it is critical) without covering the feed. */
function CollapsedToast({ alert, onExpand }: { alert: Alert; onExpand: () => void }) {
  return (
    <button type="button" className={`toast-chip severity-${alert.severity}`} onClick={onExpand} aria-label={`Show alert: ${alert.message}`}>
      <span className="alert-severity">{alert.severity}</span> {alert.rule.replaceAll('_', ' ')}
    </button>
  );
}

/**
 * Spec 001's real-time alerts: a toast for each alert that fires (others go by themselves; a
 * critical one stays until dismissed but folds to a one-line chip after a while), a bell with the unacknowledged count and the list, acknowledgement (POST
 * /api/v1/alerts/{id}/ack) and, when allowed, a desktop notification while the tab is hidden.
 */
export function AlertNotifications() {
  useActivityChannel();
  const { data } = useAlerts();
  const alerts = data?.alerts;
  const fresh = useNewAlerts(alerts);
  const [toasts, setToasts] = useState<string[]>([]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState(false);
  const [desktop, setDesktop] = useState(() => typeof Notification !== 'undefined' && Notification.permission === 'granted' && localStorage.getItem(NOTIFY_KEY) === 'on');
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const panelRef = useRef<HTMLDivElement>(null);
  const bellRef = useRef<HTMLButtonElement>(null);

  const dismiss = (id: string) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t !== id));
  };
  const fold = (id: string, folded: boolean) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setCollapsed((set) => {
      const next = new Set(set);
      if (folded) next.add(id);
      else next.delete(id);
      return next;
    });
  };

  useEffect(() => {
    if (fresh.length === 0) return;
    setToasts((list) => [...fresh.map((a) => a.id).reverse(), ...list.filter((id) => !fresh.some((a) => a.id === id))]);
    for (const alert of fresh) {
      desktopNotify(alert);
      timers.current.set(alert.id, setTimeout(() => (alert.severity === 'critical' ? fold(alert.id, true) : dismiss(alert.id)), TOAST_MS));
    }
  }, [fresh]);

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    };
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      bellRef.current?.focus();
    };
    const onClick = (event: MouseEvent) => {
      if (!panelRef.current?.contains(event.target as Node) && !bellRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    panelRef.current?.focus();
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const enableDesktop = async () => {
    if (typeof Notification === 'undefined') return;
    const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    const on = permission === 'granted' && !desktop;
    localStorage.setItem(NOTIFY_KEY, on ? 'on' : 'off');
    setDesktop(on);
  };

  const byId = new Map((alerts ?? []).map((a) => [a.id, a]));
  const unacknowledged = (alerts ?? []).filter((a) => !a.acknowledged).length;
  // An acknowledged alert is no longer toasted, whoever acknowledged it (this tab, another, the
  // API): relying on the acknowledging click's own callback alone left the toast up now and then.
  const shownToasts = toasts
    .map((id) => byId.get(id))
    .filter((a): a is Alert => a !== undefined && !a.acknowledged)
    .slice(0, TOASTS_SHOWN);

  return (
    <div className="alerts">
      <button
        ref={bellRef}
        type="button"
        className={`alert-bell${unacknowledged > 0 ? ' has-alerts' : ''}`}
        aria-expanded={open}
        aria-controls="alert-panel"
        onClick={() => setOpen((o) => !o)}
        title="Alerts"
      >
        <svg className="bell-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 16h15.4L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
        </svg>
        <span className="visually-hidden">Alerts,</span>
        <span className="alert-count">{unacknowledged}</span>
        <span className="visually-hidden">unacknowledged</span>
      </button>
      {open && (
        <div ref={panelRef} id="alert-panel" className="alert-panel" role="dialog" aria-label="Alerts" tabIndex={-1}>
          <div className="alert-panel-head">
            <h2>Alerts</h2>
            {typeof Notification !== 'undefined' && Notification.permission !== 'denied' && (
              <button type="button" className="ghost" onClick={() => void enableDesktop()}>
                {desktop ? 'Desktop notifications: on' : 'Desktop notifications: off'}
              </button>
            )}
            <button
              type="button"
              className="ghost alert-panel-close"
              aria-label="Close alerts"
              onClick={() => {
                setOpen(false);
                bellRef.current?.focus();
              }}
            >
              ✕
            </button>
          </div>
          {(alerts ?? []).length === 0 ? (
            <p className="empty">No alert has fired.</p>
          ) : (
            <ul className="alert-list">
              {(alerts ?? []).slice(0, 100).map((alert) => (
                <li key={alert.id}>
                  <AlertItem alert={alert} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="toasts" aria-live="polite" aria-label="New alerts">
        {shownToasts.map((alert) =>
          collapsed.has(alert.id) ? (
            <CollapsedToast key={alert.id} alert={alert} onExpand={() => fold(alert.id, false)} />
          ) : (
            <div key={alert.id} className="toast" role={alert.severity === 'critical' ? 'alert' : 'status'}>
              <AlertItem alert={alert} onDismiss={() => dismiss(alert.id)} onCollapse={alert.severity === 'critical' ? () => fold(alert.id, true) : undefined} />
            </div>
          ),
        )}
      </div>
    </div>
  );
}
