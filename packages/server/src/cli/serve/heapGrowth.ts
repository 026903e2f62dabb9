import v8 from 'node:v8';

/**
 * From here on V8 grows its heap to at most twice what survives a full collection, not by its own
 * factor of up to 4, so RSS follows the steady live heap; set after the backfill, whose worker
 * threads allocate fast and would collect more often for nothing. A --heap-growing-percent given
 * to node itself wins. The measurements behind the factor: docs/scale-out.md, "Heap growth".
 */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--heap-growing-percent'));
  if (!given) v8.setFlagsFromString('--heap-growing-percent=100');
}
