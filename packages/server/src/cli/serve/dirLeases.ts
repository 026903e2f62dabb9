import type { FastifyBaseLogger } from 'fastify';
import type { DirWatchers } from '../../ingest/dirWatchers.js';
import { SourceLeases } from '../../ingest/sourceLeases.js';
import type { OutboxSweeper } from '../../live/cluster/outboxSweeper.js';
import type { LeaseStore } from '../../store/cluster.js';

export const LEASE_TTL_SECONDS = 15;

export interface DirLeaseWiring {
  nodeId: string;
  claudeDirs: string[];
  ttlSeconds: number;
  /** Until start-up is done it reads what the node holds itself; changes of hands matter after. */
  isLive: () => boolean;
  watcher: DirWatchers;
  sweeper: OutboxSweeper | null;
  logger?: FastifyBaseLogger;
}

/**
 * On a shared database each claude dir is tailed by one node at a time: the one holding its
 * lease. Another node takes a dir over when its holder stops renewing (killed, cut off), and
 * reads on from the offsets the holder committed.
 */
export function leaseDirs(store: LeaseStore, { nodeId, claudeDirs, ttlSeconds, isLive, watcher, sweeper, logger }: DirLeaseWiring): SourceLeases {
  return new SourceLeases(store, {
    nodeId,
    claudeDirs,
    ttlSeconds,
    onChange: ({ gained, lost }) => {
      if (!isLive()) return;
      logger?.info({ gained, lost }, 'claude dirs changed hands');
      // What their last node committed and never published goes out before the lines after
      // it. That node's last commit is at least two thirds of the ttl old by now (it renewed
      // every third of it, then stopped); a live node's newest, milliseconds old, stays its own.
      const wait = ttlSeconds * 500;
      const published = gained.length > 0 && sweeper ? sweeper.sweep(wait).catch((error: Error) => logger?.warn({ err: error }, 'outbox sweep failed')) : null;
      void Promise.all([watcher.remove(lost), published])
        .then(() => watcher.add(gained))
        .catch((error: Error) => logger?.warn({ err: error }, 'watch error'));
    },
  });
}
