import type { SessionStatus } from '@claudelens/protocol';

/** A session's status dot (spec 001): active, idle, thinking, ended; the word is there for screen readers. */
export function StatusDot({ status }: { status: SessionStatus }) {
  return (
    <span className={`status-dot ${status}`} title={status}>
      <span className="visually-hidden">{status}</span>
    </span>
  );
}
