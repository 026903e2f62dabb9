// When an item arrived over the socket, so that a row can flash once when it first shows, and
// not again when a virtual list re-mounts it on scroll. Keyed by the item object itself. Only at
// a pace a person can follow: at hundreds of items a second every row would flash at once, which
// says nothing and costs a repaint of the whole list on every frame.

const arrived = new WeakMap<object, number>();
const FRESH_MS = 1500;
/** Above this many items a second, nothing flashes. */
const MAX_RATE = 10;
let windowStart = 0;
let inWindow = 0;

export function markFresh(items: readonly object[], now = Date.now()): void {
  if (items.length === 0) return;
  if (now - windowStart >= 1000) {
    windowStart = now;
    inWindow = 0;
  }
  inWindow += items.length;
  if (inWindow > MAX_RATE) return;
  for (const item of items) arrived.set(item, now);
}

export function isFresh(item: object, now = Date.now()): boolean {
  const at = arrived.get(item);
  return at !== undefined && now - at < FRESH_MS;
}
