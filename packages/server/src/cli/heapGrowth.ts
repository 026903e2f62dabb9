import v8 from 'node:v8';

/**
 * From here on V8 grows every heap of the process (worker threads' too) to at most twice what
 * survives a full collection, not by its own factor of up to 4, so RSS follows the live heap.
 * Set before the backfill: its workers' heaps are mostly garbage, and by V8's own factor they swelled
 * with the length of the import, for a few percent of time saved. A --heap-growing-percent given to
 * node itself wins. The measurements behind it: docs/scale-out.md, "Heap growth", and
 * docs/ingest.md, "Import speed".
 */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--heap-growing-percent'));
  if (!given) v8.setFlagsFromString('--heap-growing-percent=100');
}
