import type { Pool } from 'pg';
import { LIMIT_COLUMNS, limitValues, toLimitObservation, type LimitObservationRow } from '../limitRows.js';
import type { LimitsStore } from '../repository.js';
import { pgText } from './pgText.js';

/** The plan-limit and budget queries of the PostgreSQL store; `pool` waits for the connection. */
export function postgresLimits(pool: () => Promise<Pool>): LimitsStore {
  return {
    async recordLimitObservation(observation) {
      const values = limitValues(observation).map((v) => (typeof v === 'string' ? pgText(v) : v));
      await (await pool()).query({ name: 'insert-limit-observation', text: `INSERT INTO limit_observations (${LIMIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, values });
    },
    async limitObservations(sinceMs) {
      const { rows } = await (await pool()).query<LimitObservationRow>({
        name: 'limit-observations',
        text: `SELECT ${LIMIT_COLUMNS} FROM limit_observations WHERE observed_at_ms >= $1 ORDER BY observed_at_ms, id`,
        values: [sinceMs],
      });
      return rows.map(toLimitObservation);
    },
    async spendByProject(sinceIso) {
      const { rows } = await (await pool()).query<{ project: string | null; cost: number }>({
        name: 'spend-by-project',
        text: `SELECT s.project_path AS project, sum(r.cost)::float8 AS cost FROM requests r JOIN sessions s ON s.id = r.session_id
               WHERE r.timestamp >= $1 GROUP BY s.project_path`,
        values: [sinceIso],
      });
      return rows;
    },
  };
}
