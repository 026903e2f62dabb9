import { useConnectionStatus, useServices } from '../app/services';
import { formatClock } from '../lib/format';
import type { ConnectionState } from '../lib/live-client';

const TEXT: Record<ConnectionState, string> = {
  idle: 'Connecting',
  connecting: 'Connecting',
  live: 'Live',
  polling: 'Polling',
  offline: 'Offline',
  error: 'Error',
};

/** Where the dot gets its colour from (spec 000: `.status-dot.active` is live). */
const DOT: Record<ConnectionState, string> = {
  idle: 'connecting',
  connecting: 'connecting',
  live: 'active',
  polling: 'polling',
  offline: 'offline',
  error: 'error',
};

/** Spec 000's connection status: Live / Connecting / Error / Offline (and Polling when sockets cannot connect). */
export function ConnectionIndicator({ paths, inline = false }: { paths?: string[]; inline?: boolean }) {
  const { state, detail } = useConnectionStatus(paths);
  const { live } = useServices();
  const lastDataAt = live.lastDataAt();
  const text = state === 'offline' && lastDataAt !== null ? `Offline — as of ${formatClock(lastDataAt)}` : TEXT[state];
  const title = detail ?? (state === 'offline' ? 'The server does not answer; showing the last values received' : undefined);
  return (
    <div className={`connection-status${inline ? ' inline' : ''}`} role="status" data-state={state} title={title}>
      <span className={`status-dot ${DOT[state]}`} aria-hidden="true" />
      <span className="status-text">{text}</span>
    </div>
  );
}
