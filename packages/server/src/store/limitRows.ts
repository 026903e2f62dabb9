import type { LimitObservation, LimitReport } from './repository.js';

/** A limit_observations row as both drivers read it (PostgreSQL's bigints as strings). */
export interface LimitObservationRow {
  observed_at_ms: number | string;
  session_id: string | null;
  session_cost: number | null;
  five_hour_used: number | null;
  five_hour_resets_at_ms: number | string | null;
  seven_day_used: number | null;
  seven_day_resets_at_ms: number | string | null;
}

export const LIMIT_COLUMNS =
  'observed_at_ms, session_id, session_cost, five_hour_used, five_hour_resets_at_ms, seven_day_used, seven_day_resets_at_ms';

/** The values of LIMIT_COLUMNS, in order. */
export function limitValues(o: LimitObservation): (number | string | null)[] {
  return [o.observedAtMs, o.sessionId, o.sessionCost, o.fiveHour?.usedPercentage ?? null, o.fiveHour?.resetsAtMs ?? null, o.sevenDay?.usedPercentage ?? null, o.sevenDay?.resetsAtMs ?? null];
}

export function toLimitObservation(row: LimitObservationRow): LimitObservation {
  return {
    observedAtMs: Number(row.observed_at_ms),
    sessionId: row.session_id,
    sessionCost: row.session_cost,
    fiveHour: report(row.five_hour_used, row.five_hour_resets_at_ms),
    sevenDay: report(row.seven_day_used, row.seven_day_resets_at_ms),
  };
}

function report(used: number | null, resetsAt: number | string | null): LimitReport | null {
  return used === null || resetsAt === null ? null : { usedPercentage: used, resetsAtMs: Number(resetsAt) };
}
