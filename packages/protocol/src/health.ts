import { z } from 'zod';

/** How far the start-up read of the history is: what is to be read (changed files only), and what is done. */
export const BackfillProgressSchema = z.object({
  filesDone: z.number().int().nonnegative(),
  filesTotal: z.number().int().nonnegative(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
});
export type BackfillProgress = z.infer<typeof BackfillProgressSchema>;

/** GET /healthz: served before the start-up read is done, without a token. */
export const HealthzSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  /** `backfilling` while the history is read (newest first); `live` once it is in and tailed. */
  phase: z.enum(['backfilling', 'live']),
  /** While backfilling: the read's progress (absent before the files are listed, and once live). */
  progress: BackfillProgressSchema.optional(),
  /** The event bus (several nodes: Redis). */
  bus: z.object({ kind: z.enum(['local', 'redis']), up: z.boolean(), buffered: z.number(), dropped: z.number(), sent: z.number(), received: z.number() }).optional(),
});
export type Healthz = z.infer<typeof HealthzSchema>;
