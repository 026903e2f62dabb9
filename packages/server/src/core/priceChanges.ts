import type { ModelPrice, PriceTable } from './pricing.js';

export interface PriceChanges {
  added: string[];
  removed: string[];
  changed: { model: string; before: ModelPrice; after: ModelPrice }[];
}

/** Which models a new table adds, drops or prices differently, each list sorted by id. */
export function priceChanges(before: PriceTable, after: PriceTable): PriceChanges {
  const added = Object.keys(after.models).filter((m) => !(m in before.models));
  const removed = Object.keys(before.models).filter((m) => !(m in after.models));
  const changed = Object.entries(after.models).flatMap(([model, price]) => {
    const old = before.models[model];
    return old && canonical(old) !== canonical(price) ? [{ model, before: old, after: price }] : [];
  });
  const byId = (a: string, b: string) => a.localeCompare(b);
  return { added: added.sort(byId), removed: removed.sort(byId), changed: changed.sort((a, b) => byId(a.model, b.model)) };
}

/** Key order does not make a price different. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
