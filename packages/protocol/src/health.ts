import { z } from 'zod';

// GET /healthz (docs/api.md, "GET /healthz"). Never needs a token.

const count = z.number().int().nonnegative();

/** The event bus between nodes; on one node, the in-process hub (always up). */
export const BusHealthSchema = z.object({
  kind: z.enum(['local', 'redis']),
  up: z.boolean(),
  buffered: count,
  dropped: count,
  sent: count,
  received: count,
});

/** The store, when it is not ok: `degraded` while writes fail for a reason that can pass (disk full), `failed` when it cannot be trusted (corrupt). */
export const StoreHealthSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('degraded'), reason: z.string(), since: z.string(), failures: count }),
  z.object({ status: z.literal('failed'), reason: z.string(), since: z.string() }),
]);

/** How far the start-up read of the history is: what is to be read (changed files only), and what is done. */
export const BackfillProgressSchema = z.object({
  filesDone: count,
  filesTotal: count,
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
});
export type BackfillProgress = z.infer<typeof BackfillProgressSchema>;

/**
 * 200 while `ok` or `degraded` (the bus unreachable, or the store's writes failing for now); 503
 * with `failed` (the store cannot be trusted, or start-up failed): the process then exits with
 * code 1. `reason` says why whenever the status is not ok.
 */
export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'failed']),
  /** `backfilling` while the history is read (newest first); `live` once it is in and tailed. */
  phase: z.enum(['backfilling', 'live']),
  /** While backfilling: the read's progress (absent before the files are listed, and once live). */
  progress: BackfillProgressSchema.optional(),
  reason: z.string().optional(),
  bus: BusHealthSchema.optional(),
  store: StoreHealthSchema.optional(),
});
export type Health = z.infer<typeof HealthSchema>;
