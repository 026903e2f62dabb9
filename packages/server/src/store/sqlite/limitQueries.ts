import type Database from 'better-sqlite3';
import { LIMIT_COLUMNS, limitValues, toLimitObservation, type LimitObservationRow } from '../limitRows.js';
import type { LimitsStore, ProjectSpend } from '../repository.js';

/** The plan-limit and budget queries of the SQLite store. */
export function sqliteLimits(db: Database.Database): LimitsStore {
  const insert = db.prepare<ReturnType<typeof limitValues>>(`INSERT INTO limit_observations (${LIMIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const since = db.prepare<[sinceMs: number], LimitObservationRow>(`SELECT ${LIMIT_COLUMNS} FROM limit_observations WHERE observed_at_ms >= ? ORDER BY observed_at_ms, id`);
  const spend = db.prepare<[sinceIso: string], ProjectSpend>(
    `SELECT s.project_path AS project, sum(r.cost) AS cost FROM requests r JOIN sessions s ON s.id = r.session_id
     WHERE r.timestamp >= ? GROUP BY s.project_path`,
  );
  return {
    async recordLimitObservation(observation) {
      insert.run(...limitValues(observation));
    },
    async limitObservations(sinceMs) {
      return since.all(sinceMs).map(toLimitObservation);
    },
    async spendByProject(sinceIso) {
      return spend.all(sinceIso);
    },
  };
}
