import type { ActivitySecond } from './repository.js';

/** Per-second message counts and request sums, each ordered by second, as one ordered list. */
export function mergeActivity(
  messages: { at: string; messages: number }[],
  requests: { at: string; cost: number; tokens: number }[],
): ActivitySecond[] {
  const byAt = new Map<string, ActivitySecond>();
  for (const m of messages) byAt.set(m.at, { at: m.at, messages: m.messages, cost: 0, tokens: 0 });
  for (const r of requests) {
    const second = byAt.get(r.at) ?? { at: r.at, messages: 0, cost: 0, tokens: 0 };
    second.cost += r.cost;
    second.tokens += r.tokens;
    byAt.set(r.at, second);
  }
  return [...byAt.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
