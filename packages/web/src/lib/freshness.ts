// When an item arrived over the socket, so that a row can flash once when it first shows, and
// not again when the virtual list re-mounts it on scroll. Keyed by the item object itself.

const arrived = new WeakMap<object, number>();
const FRESH_MS = 1500;

export function markFresh(items: readonly object[], now = Date.now()): void {
  for (const item of items) arrived.set(item, now);
}

export function isFresh(item: object, now = Date.now()): boolean {
  const at = arrived.get(item);
  return at !== undefined && now - at < FRESH_MS;
}
