/** Channel names in the hub, one per WebSocket path (spec 000 and 001). */
export const channels = {
  session: (sessionId: string) => `session:${sessionId}`,
  stats: (sessionId: string) => `stats:${sessionId}`,
  activity: 'activity',
  metrics: 'metrics',
} as const;

export function ringSize(channel: string): number {
  if (channel === channels.activity) return 4096;
  return 256; // metrics too: up to 20 a second, about 13 s of resume
}

/** The global channels keep their ring whether or not anyone subscribed here: a client of another node may resume on this one. */
export function alwaysResumable(channel: string): boolean {
  return channel === channels.activity || channel === channels.metrics;
}
