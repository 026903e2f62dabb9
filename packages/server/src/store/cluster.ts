import type { LiveInput } from '../core/live/liveInput.js';

// What nodes sharing one store need of it (docs/scale-out.md): claude-dir leases, the live outbox
// and lost connections. Only the PostgreSQL driver has them (postgres/sourceLeases.ts,
// postgres/outbox.ts); the embedded SQLite store has one node and leaves `Store.cluster` undefined.
// The other cluster parts: ingest/sourceLeases.ts (a node's claim) and cli/serve/dirLeases.ts
// (tailing what it holds), live/outboxSweeper.ts, the Redis bus in live/ (redisBus.ts and its
// pieces), and alerts/sharedAcks.ts (acknowledgements every node sees).

/** An outbox commit older than this is dropped, not published: nobody watching live wants a quarter-hour-old message as new. */
export const OUTBOX_STALE_MS = 15 * 60_000;

/**
 * A commit of another node whose live events may never have gone out: the node was killed after
 * the store had the commit and before the bus had its events (docs/scale-out.md). The outbox keeps
 * the commit's live input (core/live/liveInput.ts); its sessions' totals are the ones stored now.
 */
export interface OutboxCommit {
  nodeId: string;
  commit: number;
  input: LiveInput;
}

/**
 * A node asking to tail these claude dirs (docs/postgres.md). Renewing is claiming again
 * before `ttlSeconds` have passed; a node that stops renewing loses its dirs to the next claim.
 */
export interface SourceClaim {
  /** Unique per running process (hostname and pid): a restarted node is a new node. */
  nodeId: string;
  claudeDirs: string[];
  ttlSeconds: number;
}

/** Who tails a claude dir after a claim. */
export interface SourceLease {
  claudeDir: string;
  /** This node holds the dir: it may read and tail it until `expiresAt`. */
  owned: boolean;
  /** The holder; null when no node holds it. */
  nodeId: string | null;
  /** ISO time (the database's clock); null when no node holds the dir. */
  expiresAt: string | null;
}

/** Claude-dir leases, so that two nodes sharing a store never both tail one dir: what SourceLeases keeps. */
export interface LeaseStore {
  /** Takes or renews leases on claude dirs: each dir that is free, expired or already the caller's. */
  claimSources(claim: SourceClaim): Promise<SourceLease[]>;
  /** Gives up this node's leases at once (clean shutdown) instead of letting them expire. */
  releaseSources(nodeId: string, claudeDirs: string[]): Promise<void>;
}

/** The live outbox: what the outbox sweeper reads, and what `serve` turns on once its commits go live. */
export interface OutboxStore {
  /**
   * From now on keeps, with each commit that brings something new, what the live engine needs to
   * publish it, under `nodeId` and the commit's number (AppliedBatch.commit), until a sweep finds
   * it published: a node on a shared bus calls it once its commits go live (not for its
   * start-up backfill, which nobody publishes).
   */
  keepOutbox(nodeId: string): void;
  /** The nodes with commits in the outbox. */
  outboxNodes(): Promise<string[]>;
  /**
   * Deletes every outbox commit at or below its node's mark in `published`, and returns the other
   * nodes' commits written at least `olderThanMs` ago (not this node's own: it publishes those
   * itself once the bus is back), oldest first per node. Commits older than OUTBOX_STALE_MS are
   * deleted unpublished: their live events would only mislead by then.
   */
  sweepOutbox(published: Map<string, number>, olderThanMs: number): Promise<OutboxCommit[]>;
}

/** The store's part that only a store shared by nodes has (PostgreSQL). */
export interface ClusterStore extends LeaseStore, OutboxStore {
  /**
   * How many connections to the database broke while idle since the store opened (a restart of
   * PostgreSQL breaks them all). Commits acknowledged before may be gone: a reader that remembers
   * offsets (IngestBatch.expectOffset) forgets them when this changes.
   */
  connectionLosses(): number;
}
