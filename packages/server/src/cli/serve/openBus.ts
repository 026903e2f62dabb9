import type { FastifyBaseLogger } from 'fastify';
import { LocalBus, type EventBus } from '../../live/bus.js';
import type { ClusterBus } from '../../live/cluster/clusterBus.js';
import type { Hub } from '../../live/hub.js';

export interface BusSettings {
  /** Several nodes: their events meet on this Redis (docs/scale-out.md). */
  redisUrl?: string | null;
  redisKeyPrefix?: string;
}

export interface OpenBus {
  /** Fan-out: every publisher's and the sockets' bus. */
  bus: EventBus;
  /** Several nodes: the same bus, for commit coordination and shared acknowledgements. None alone. */
  cluster?: ClusterBus;
}

/** The in-process hub alone, or Redis between nodes when a URL is given. */
export async function openBus(hub: Hub, nodeId: string, settings: BusSettings, logger?: FastifyBaseLogger): Promise<OpenBus> {
  if (!settings.redisUrl) return { bus: new LocalBus(hub) };
  const { RedisBus } = await import('../../live/cluster/redisBus.js');
  let lastError = '';
  const bus = new RedisBus({
    url: settings.redisUrl,
    nodeId,
    hub,
    keyPrefix: settings.redisKeyPrefix,
    onError: (error) => {
      // ioredis reports every failed reconnect: one line per distinct error is enough.
      if (error.message !== lastError) logger?.warn({ err: error }, 'redis bus error');
      lastError = error.message;
    },
    onStateChange: (up) => {
      if (up) lastError = '';
      logger?.[up ? 'info' : 'warn']({ up }, up ? 'redis bus up: events flow between nodes again' : 'redis bus down: serving this node\'s events alone');
    },
  });
  await bus.start();
  return { bus, cluster: bus };
}
