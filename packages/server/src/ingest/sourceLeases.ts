import os from 'node:os';
import type { LeaseStore } from '../store/cluster.js';

/** A node id unique per running process: a restarted node waits for its old leases to expire. */
export function defaultNodeId(): string {
  return `${os.hostname()}:${process.pid}`;
}

export interface LeaseOptions {
  nodeId: string;
  claudeDirs: string[];
  /** A lease not renewed for this long goes to the next node that claims it. */
  ttlSeconds: number;
  /** Called after a renewal that changed which dirs this node holds: start tailing `gained`, stop `lost`. */
  onChange?: (change: { owned: string[]; gained: string[]; lost: string[] }) => void;
  /** Injected for tests: a monotonic clock in ms, and the interval timer. */
  clock?: { now: () => number; setInterval: typeof setInterval; clearInterval: typeof clearInterval };
}

const systemClock = { now: () => performance.now(), setInterval, clearInterval };

/**
 * Keeps this node's claim on its claude dirs (docs/postgres.md): claims them on `start`, renews
 * every third of the ttl (taking over dirs whose holder stopped renewing), and releases them on
 * `stop`. Only the dirs in `owned()` may be read and tailed.
 */
export class SourceLeases {
  private held = new Set<string>();
  /** When the leases run out by this node's clock, counted from when the last successful claim was sent. */
  private heldUntil = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseOptions,
  ) {}

  /** The dirs this node may read now: held, and not past the ttl since the last successful claim. */
  owned(): string[] {
    if (this.clock.now() >= this.heldUntil) return [];
    return this.options.claudeDirs.filter((dir) => this.held.has(dir));
  }

  /** Claims the dirs, then renews in the background; resolves with the dirs this node holds. */
  async start(onError: (error: Error) => void): Promise<string[]> {
    await this.renew();
    this.timer = this.clock.setInterval(() => {
      this.renewing = this.renew().catch((error: Error) => {
        // Unable to renew (the database is unreachable): past the ttl another node may have the dirs.
        if (this.clock.now() >= this.heldUntil) this.update(new Set());
        onError(error);
      });
    }, (this.options.ttlSeconds * 1000) / 3);
    this.timer.unref?.();
    return this.owned();
  }

  /** Claims again: renews held leases and takes expired ones. */
  async renew(): Promise<void> {
    const sent = this.clock.now();
    const leases = await this.store.claimSources({ nodeId: this.options.nodeId, claudeDirs: this.options.claudeDirs, ttlSeconds: this.options.ttlSeconds });
    this.heldUntil = sent + this.options.ttlSeconds * 1000;
    this.update(new Set(leases.filter((l) => l.owned).map((l) => l.claudeDir)));
  }

  private get clock() {
    return this.options.clock ?? systemClock;
  }

  private update(now: Set<string>): void {
    const gained = [...now].filter((dir) => !this.held.has(dir));
    const lost = [...this.held].filter((dir) => !now.has(dir));
    this.held = now;
    if (gained.length > 0 || lost.length > 0) this.options.onChange?.({ owned: this.owned(), gained, lost });
  }

  /** Stops renewing and gives the dirs up at once, so that another node need not wait for them to expire. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    const held = [...this.held];
    this.held.clear();
    if (held.length > 0) await this.store.releaseSources(this.options.nodeId, held);
  }
}
