import type { Alert } from '@claudelens/protocol';
import type { AlertFilter, AlertLog } from '../core/alerts/alertLog.js';
import type { EventBus } from '../live/bus.js';
import type { AckRegistry } from '../live/cluster/clusterBus.js';

/** The alert log as the REST API serves it (api/alertRoutes.ts). */
export interface AlertQueries {
  /** Newest first. */
  list(filter: AlertFilter): Alert[] | Promise<Alert[]>;
  /** The acknowledged alert, or undefined when no such alert is kept. */
  acknowledge(id: string): Alert | undefined | Promise<Alert | undefined>;
}

/** An acknowledgement is kept on the bus this long: far past any alert a node still lists. */
const ACK_TTL_MS = 7 * 24 * 3600_000;

/**
 * The alert log as the REST API serves it, acknowledgements shared across nodes: an alert
 * acknowledged on one node is listed as acknowledged on every node (every node lists the same
 * alerts: docs/scale-out.md). The acknowledgement goes on the bus (Redis), and a listing asks the
 * bus about the alerts this node has not seen acknowledged. With Redis unreachable an
 * acknowledgement stays this node's, and a listing shows what this node knows. A single node
 * serves its AlertLog as it is: it has nobody to share with.
 */
export function sharedAcks(log: AlertLog, bus: AckRegistry & Pick<EventBus, 'health'>, onError: (error: Error) => void): AlertQueries {
  return {
    async list(filter: AlertFilter): Promise<Alert[]> {
      const listed = log.list(filter);
      const open = listed.filter((alert) => !alert.acknowledged).map((alert) => alert.id);
      if (open.length === 0 || !bus.health().up) return listed;
      const acknowledged = await bus.acknowledged(open).catch((error: Error) => {
        onError(error);
        return new Set<string>();
      });
      if (acknowledged.size === 0) return listed;
      for (const id of acknowledged) log.acknowledge(id);
      return log.list(filter);
    },
    async acknowledge(id: string): Promise<Alert | undefined> {
      const alert = log.acknowledge(id);
      if (alert && bus.health().up) await bus.acknowledge(id, ACK_TTL_MS).catch(onError);
      return alert;
    },
  };
}
