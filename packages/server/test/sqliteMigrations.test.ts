// A database made by an earlier ClaudeLens is upgraded in place when opened, its rows kept.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openWritableDatabase } from '../src/store/sqlite/openDatabase.js';
import { MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { prepareStatements } from '../src/store/sqlite/statements.js';
import { tempDir } from './helpers.js';

/** A database at the schema of `version` (the migrations before it applied), as that release left it. */
function databaseAt(version: number): { dataDir: string; db: Database.Database } {
  const dataDir = tempDir();
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  for (const sql of MIGRATIONS.slice(0, version)) db.exec(sql);
  db.pragma(`user_version = ${version}`);
  return { dataDir, db };
}

describe('SQLite migrations', () => {
  it('agents move to a rowid table: totals kept, ordered by their sessions\' arrival, and the upsert still adds to them', () => {
    const agentsVersion = MIGRATIONS.findIndex((sql) => sql.includes('agents_by_arrival'));
    expect(agentsVersion).toBeGreaterThan(0);
    const { dataDir, db: old } = databaseAt(agentsVersion);
    expect(old.prepare("SELECT sql FROM sqlite_schema WHERE name = 'agents'").pluck().get()).toContain('WITHOUT ROWID');
    // Session ids sort against their arrival: 'b' came first.
    old.exec(`INSERT INTO sessions (id) VALUES ('b'), ('a');
      INSERT INTO agents (session_id, agent_id, message_count, request_count, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost)
      VALUES ('a', '', 3, 2, 10, 20, 30, 40, 1.5), ('b', '', 1, 1, 1, 2, 3, 4, 0.25), ('b', 'agent-1', 5, 4, 100, 200, 300, 400, 2.75);`);
    old.close();

    const db = openWritableDatabase(dataDir);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'agents'").pluck().get()).not.toContain('WITHOUT ROWID');
      expect(db.prepare('SELECT id, session_id, agent_id, message_count, request_count, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost FROM agents ORDER BY id').all()).toEqual([
        { id: 1, session_id: 'b', agent_id: '', message_count: 1, request_count: 1, input_tokens: 1, output_tokens: 2, cache_creation_tokens: 3, cache_read_tokens: 4, cost: 0.25 },
        { id: 2, session_id: 'b', agent_id: 'agent-1', message_count: 5, request_count: 4, input_tokens: 100, output_tokens: 200, cache_creation_tokens: 300, cache_read_tokens: 400, cost: 2.75 },
        { id: 3, session_id: 'a', agent_id: '', message_count: 3, request_count: 2, input_tokens: 10, output_tokens: 20, cache_creation_tokens: 30, cache_read_tokens: 40, cost: 1.5 },
      ]);
      // (session_id, agent_id) is still a key: the store's upsert adds to the row, and a new pair is a new row.
      const upsert = db.prepare(`INSERT INTO agents (session_id, agent_id, message_count) VALUES (?, ?, ?)
        ON CONFLICT (session_id, agent_id) DO UPDATE SET message_count = agents.message_count + excluded.message_count`);
      upsert.run('a', '', 4);
      upsert.run('c', '', 1);
      expect(db.prepare('SELECT session_id, message_count FROM agents WHERE agent_id = ? ORDER BY id').all('')).toEqual([
        { session_id: 'b', message_count: 1 },
        { session_id: 'a', message_count: 7 },
        { session_id: 'c', message_count: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('an upgraded database finds the last hour\'s requests (activitySince) through their start, not by scanning them all', () => {
    const { dataDir, db: old } = databaseAt(MIGRATIONS.length - 1);
    old.close();
    const db = openWritableDatabase(dataDir);
    try {
      const { requestsPerSecond } = prepareStatements(db);
      const plan = db.prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN ${requestsPerSecond.source}`).all('2026-12-07T00:00:00.000Z');
      expect(plan.map((step) => step.detail).join('; ')).toContain('USING INDEX requests_started');
    } finally {
      db.close();
    }
  });
});
