import type { SessionStatus } from '@claudelens/protocol';

export interface StatusThresholds {
  /** Quiet this long: `idle`. */
  idleAfterMs: number;
  /** Quiet this long: `ended` (and `session_ended`); new activity starts the session again. */
  endedAfterMs: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = { idleAfterMs: 2 * 60_000, endedAfterMs: 30 * 60_000 };

/** What the transcript says the session is doing, from its last main-thread line. */
export type Turn = 'waiting-for-model' | 'waiting-for-tool' | 'done';

/**
 * `thinking` while a prompt or tool result waits for the model or a tool call waits for its
 * result; `active` right after the model finished a turn; `idle` and `ended` once quiet.
 */
export function sessionStatus(turn: Turn, lastActivityMs: number, nowMs: number, t: StatusThresholds): SessionStatus {
  const quiet = nowMs - lastActivityMs;
  if (quiet >= t.endedAfterMs) return 'ended';
  if (turn !== 'done') return 'thinking';
  return quiet >= t.idleAfterMs ? 'idle' : 'active';
}
