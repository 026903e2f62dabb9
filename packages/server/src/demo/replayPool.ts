import { SessionReplay, type ReplayedLine } from './sessionReplay.js';
import type { SessionScript } from './sessionScripts.js';

export interface PoolOptions {
  /** What to replay; picked at random, over and over. */
  scripts: SessionScript[];
  /** Sessions replayed at once; a finished one is followed by another. */
  sessions: number;
  random: () => number;
  /**
   * Milliseconds from one line of a session to its next, given their recorded gap. A slot's next
   * script starts `pace(Infinity)` after its last one ended; that must be more than 0.
   */
  pace: (recordedGapMs: number) => number;
  /** Milliseconds from the start to slot `slot`'s first line. */
  startDelay: (slot: number) => number;
  /**
   * Keep each slot's session id and project folder when it moves on to its next script, so the
   * slot is one long session (the load benchmark); by default every script is a new session.
   */
  keepSessions?: boolean;
  /** Copies are tagged `<tagPrefix><n>`: a prefix unique to the run keeps ids unique across runs. */
  tagPrefix: string;
}

export interface PoolLine extends ReplayedLine {
  slot: number;
}

interface Slot {
  replay: SessionReplay;
  dueMs: number;
}

/**
 * Keeps `sessions` recorded sessions replaying at once, on a schedule the caller sets with
 * `pace`: the demo divides recorded gaps by a speed factor, the load benchmark ignores them for a
 * fixed aggregate rate. Pure scheduling: `due(now)` hands out the lines due, the caller writes them.
 */
export class ReplayPool {
  private readonly slots: Slot[] = [];
  private copies = 0;
  sessionsStarted = 0;

  constructor(
    private readonly options: PoolOptions,
    startMs: number,
  ) {
    if (options.scripts.length === 0) throw new Error('no sessions to replay');
    for (let slot = 0; slot < options.sessions; slot++) {
      this.slots.push({ replay: this.newReplay(), dueMs: startMs + options.startDelay(slot) });
    }
  }

  /** The session each slot is replaying now. */
  sessionIds(): string[] {
    return this.slots.map((s) => s.replay.sessionId);
  }

  /** The next line of one slot now, ahead of its schedule: the load benchmark starts its sessions this way. */
  takeNext(slot: number, nowMs: number): PoolLine {
    const current = this.slots[slot];
    if (!current) throw new Error(`no slot ${slot}`);
    if (current.replay.done) current.replay = this.newReplay(this.options.keepSessions ? current.replay : undefined);
    return { ...current.replay.take(nowMs), slot };
  }

  /** Starts every slot's schedule over from `nowMs` (after `startDelay`), e.g. once `pace` has changed. */
  reschedule(nowMs: number): void {
    this.slots.forEach((slot, i) => (slot.dueMs = nowMs + this.options.startDelay(i)));
  }

  nextDueMs(): number {
    let next = Infinity;
    for (const slot of this.slots) next = Math.min(next, slot.dueMs);
    return next;
  }

  /** Every line due by `nowMs`, slot by slot, stamped `nowMs`; advances each slot's schedule. */
  due(nowMs: number): PoolLine[] {
    const lines: PoolLine[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i] as Slot;
      while (slot.dueMs <= nowMs) {
        if (slot.replay.done) {
          slot.replay = this.newReplay(this.options.keepSessions ? slot.replay : undefined);
          slot.dueMs += this.options.pace(Infinity);
          continue;
        }
        lines.push({ ...slot.replay.take(nowMs), slot: i });
        slot.dueMs += slot.replay.done ? 0 : this.options.pace(slot.replay.gapMs());
      }
    }
    return lines;
  }

  private newReplay(previous?: SessionReplay): SessionReplay {
    const { scripts, random, tagPrefix } = this.options;
    const script = scripts[Math.floor(random() * scripts.length)] as SessionScript;
    const tag = `${tagPrefix}${(this.copies++).toString(36)}`;
    if (!previous) this.sessionsStarted++;
    return new SessionReplay(script, previous ? { tag, sessionId: previous.sessionId, project: previous.project } : { tag });
  }
}
