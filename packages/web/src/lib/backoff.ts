/**
 * Delay before reconnect attempt `attempt` (0 first): exponential from `baseMs`, capped at
 * `maxMs`, half of it random ("equal jitter") so that clients dropped together do not all
 * come back in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number, baseMs = 500, maxMs = 10_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}
