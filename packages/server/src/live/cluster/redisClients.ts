import { Redis } from 'ioredis';
import type { StreamSource } from './streamReader.js';

/** The bus's two connections: `pub` for commands and scripts, `sub` for the reader's blocking XREAD. */
export interface BusClients {
  pub: Redis;
  sub: Redis;
}

/** Not connected yet (lazyConnect): RedisBus.start connects them. */
export function busClients(url: string): BusClients {
  const connection = {
    lazyConnect: true,
    // Fail at once while disconnected: the caller serves alone and buffers instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Left on: turned off, ioredis drops the commands in flight at a reconnect without settling
    // their promises (a blocked XREAD hung for good). A publish resent may so reach the stream
    // twice: delivery is at least once across a Redis outage. The timeout catches anything else.
    autoResendUnfulfilledCommands: true,
    commandTimeout: 10_000,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
  };
  // Commands issued in one event-loop turn go out in one write. Not the publishing scripts: the
  // bus gathers a turn's events into one call itself, and auto-pipelined they waited for the
  // loop's check phase, which under load came milliseconds after the commit they follow (and a
  // node killed in that time had stored lines that no node ever published).
  const pub = new Redis(url, {
    ...connection,
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands: ['claudelensPublish', 'claudelensPublishMany'],
  });
  return { pub, sub: new Redis(url, connection) };
}

/** The stream as the reader reads it, on `sub`: XREAD waits up to a second for an entry, then reads again. */
export function streamSource(sub: Redis, stream: string): StreamSource {
  return {
    newest: (count) => sub.xrevrange(stream, '+', '-', 'COUNT', count),
    after: async (id, count) => {
      const result = await sub.xreadBuffer('COUNT', count, 'BLOCK', 1000, 'STREAMS', stream, id);
      return (result ?? []).flatMap(([, entries]) => entries);
    },
  };
}

/**
 * Disconnects `client`, resolving once its 'close' and 'end' have been emitted. Only a connection
 * that is open has a socket to close; in any other state (reconnecting, never connected) ioredis
 * may emit nothing more, and there is nothing to wait for.
 */
export function disconnected(client: Redis): Promise<void> {
  const open = client.status === 'ready' || client.status === 'connect';
  const ended = open ? new Promise<void>((resolve) => client.once('end', () => resolve())) : Promise.resolve();
  client.disconnect();
  return ended;
}
