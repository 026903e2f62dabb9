import type { UsageTotals } from './repository.js';

/**
 * The one query behind Store.usageSince, for both dialects (`param(n)` writes the n-th
 * placeholder, from 1): each window's sums in one scan of the requests since the earliest. A
 * request counts in a window when it started in it (its first line's time, core/accounting.ts).
 */
export function usageSinceSql(count: number, param: (n: number) => string): string {
  const columns: string[] = [];
  for (let i = 0; i < count; i++) {
    const since = param(i + 2);
    columns.push(
      `coalesce(sum(CASE WHEN timestamp >= ${since} THEN cost END), 0) AS cost${i}`,
      `coalesce(sum(CASE WHEN timestamp >= ${since} THEN input_tokens + output_tokens + cache_write_5m_tokens + cache_write_1h_tokens + cache_read_tokens END), 0) AS tokens${i}`,
      `count(CASE WHEN timestamp >= ${since} THEN 1 END) AS requests${i}`,
      `count(DISTINCT CASE WHEN timestamp >= ${since} THEN session_id END) AS sessions${i}`,
    );
  }
  return `SELECT ${columns.join(', ')} FROM requests WHERE timestamp >= ${param(1)}`;
}

/** The query's parameters: the earliest window's start, then each window's. */
export function usageSinceParams(sinces: string[]): string[] {
  return [sinces.reduce((a, b) => (a < b ? a : b)), ...sinces];
}

export function usageSinceRows(row: Record<string, unknown>, count: number): UsageTotals[] {
  return Array.from({ length: count }, (_, i) => ({
    cost: Number(row[`cost${i}`] ?? 0),
    tokens: Number(row[`tokens${i}`] ?? 0),
    requests: Number(row[`requests${i}`] ?? 0),
    sessions: Number(row[`sessions${i}`] ?? 0),
  }));
}
