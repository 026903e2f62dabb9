import type { LiveInput } from '../../core/live/liveInput.js';
import type { OutboxStore } from '../../store/cluster.js';
import type { EventBus } from '../bus.js';
import type { CommitCoordinator } from './clusterBus.js';

/** The store's outbox, as the sweeper reads and clears it. */
export type SweptOutbox = Pick<OutboxStore, 'outboxNodes' | 'sweepOutbox'>;
/** The bus's commit marks, and whether it is reachable at all. */
export type SweeperBus = Pick<CommitCoordinator, 'published' | 'takeOver'> & Pick<EventBus, 'health'>;

export interface SweeperOptions {
  /** How often the outbox is swept. */
  everyMs: number;
  /** Another node's commit is taken over once it has waited this long unpublished. */
  afterMs: number;
  /** Publishes a taken-over commit as this node's own (the live engine's onCommitted). */
  publish: (input: LiveInput) => void;
  onError: (error: Error) => void;
}

/**
 * Publishes what other nodes committed and never published (docs/scale-out.md): a node killed
 * after PostgreSQL had its commit and before Redis had the commit's events. Every node sweeps
 * the store's outbox now and then: commits the bus has marked published are deleted, and a
 * commit still unpublished after `afterMs` (a live node publishes within milliseconds) is taken
 * over on the bus, so that its node, if it is alive after all, sends nothing of it, and published
 * here. The first node to take a commit over publishes it; the others find it taken.
 */
export class OutboxSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Sweeps asked for and not finished: the timer adds none while one is (the database slow or away). */
  private queued = 0;
  /** Commits taken over and published here. */
  published = 0;
  /** Sweeps finished (timer's or asked for, failed ones too): what a test waits on before it says nothing more was published. */
  sweeps = 0;

  constructor(
    private readonly store: SweptOutbox,
    private readonly bus: SweeperBus,
    private readonly options: SweeperOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.queued === 0) this.sweep().catch(this.options.onError);
    }, this.options.everyMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /**
   * One sweep (not two at once: a second call waits for the first and runs after it); `afterMs`
   * overrides the wait, shorter when this node takes over claude dirs whose node stopped renewing
   * them. Resolves with the commits published.
   */
  sweep(afterMs = this.options.afterMs): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    this.queued++;
    const run = previous
      .catch(() => 0)
      .then(() => this.once(afterMs))
      .finally(() => {
        this.queued--;
        this.sweeps++;
      });
    this.running = run;
    return run;
  }

  private async once(afterMs: number): Promise<number> {
    if (!this.bus.health().up) return 0; // nothing could be published, nor known to be
    const nodes = await this.store.outboxNodes();
    if (nodes.length === 0) return 0;
    const commits = await this.store.sweepOutbox(await this.bus.published(nodes), afterMs);
    let published = 0;
    for (const nodeId of new Set(commits.map((c) => c.nodeId))) {
      const own = commits.filter((c) => c.nodeId === nodeId);
      const before = await this.bus.takeOver(nodeId, own.at(-1)?.commit ?? 0);
      for (const { commit, input } of own) {
        if (commit <= before) continue; // published by its node meanwhile, or taken over by another sweeper
        this.options.publish(input);
        published++;
      }
    }
    this.published += published;
    return published;
  }
}
