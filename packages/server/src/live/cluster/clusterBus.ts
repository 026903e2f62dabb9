import type { LiveInput } from '../../core/live/liveInput.js';
import type { EventBus } from '../bus.js';

// What a bus between nodes does besides fan-out (EventBus), split by who calls it. The single
// node has no such bus: it passes none of these, and its callers do the local thing directly.

/**
 * Commit coordination: the live engine shares each of its commits with the other nodes and sends
 * a commit's events only while no other node took it over; the outbox sweeper takes over what a
 * dead node committed and never published; the server feeds other nodes' commits to its engine.
 */
export interface CommitCoordinator {
  /** Hands what a commit changed to the other nodes, which apply it to their live state. */
  share(input: LiveInput): void;
  /**
   * Runs `work`, which shares and publishes one commit of this node's. With its outbox number
   * (`commit`, when the store kept one), what `work` sends goes out only if no other node took
   * the commit over meanwhile (takeOver), and then marks it published.
   */
  commit(commit: number | undefined, work: () => void): void;
  /** How far these nodes' commits went out (published by them, or taken over): 0 for none. Rejects when the bus is unreachable. */
  published(nodeIds: string[]): Promise<Map<string, number>>;
  /**
   * Takes a node's commits through `commit` over, to publish them from the outbox: its own
   * later attempts at them send nothing. Resolves with its mark before: the commits after it are
   * the caller's. Rejects when the bus is unreachable.
   */
  takeOver(nodeId: string, commit: number): Promise<number>;
  /** Called with each input another node shared. */
  onInput(handler: (input: LiveInput) => void): void;
}

/** Acknowledgements every node sees (alerts/sharedAcks.ts): an alert acknowledged on one node is acknowledged on all. */
export interface AckRegistry {
  /** Records that an alert was acknowledged, for every node to see, for `ttlMs`. Rejects when the bus is unreachable. */
  acknowledge(alertId: string, ttlMs: number): Promise<void>;
  /** Which of these alerts a node acknowledged (see acknowledge). Rejects when the bus is unreachable. */
  acknowledged(alertIds: string[]): Promise<Set<string>>;
}

/** A bus between nodes (RedisBus): fan-out, commit coordination and acknowledgements in one. */
export type ClusterBus = EventBus & CommitCoordinator & AckRegistry;
