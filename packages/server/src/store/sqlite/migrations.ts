/** SQLite schema, one entry per version; applied in order inside a transaction. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    claude_dir TEXT NOT NULL,
    rel_path TEXT NOT NULL,
    byte_offset INTEGER NOT NULL DEFAULT 0,
    line_count INTEGER NOT NULL DEFAULT 0,
    ino INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    mtime_ms REAL NOT NULL DEFAULT 0,
    tail BLOB NOT NULL DEFAULT x'',
    UNIQUE (claude_dir, rel_path)
  );
  CREATE TABLE projects (
    path TEXT PRIMARY KEY,
    first_activity TEXT,
    last_activity TEXT
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    project_path TEXT,
    -- 1 when project_path came from a main-thread line; subagent lines only fill in a gap
    project_is_main INTEGER NOT NULL DEFAULT 0,
    first_activity TEXT,
    last_activity TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    tool_use_count INTEGER NOT NULL DEFAULT 0,
    request_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_last_activity ON sessions (last_activity);
  CREATE TABLE agents (
    session_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    message_count INTEGER NOT NULL DEFAULT 0,
    request_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, agent_id)
  ) WITHOUT ROWID;
  CREATE TABLE session_models (
    session_id TEXT NOT NULL,
    model TEXT NOT NULL,
    priced INTEGER NOT NULL,
    PRIMARY KEY (session_id, model)
  ) WITHOUT ROWID;
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    uuid TEXT NOT NULL,
    parent_uuid TEXT,
    agent_id TEXT NOT NULL,
    line_type TEXT NOT NULL,
    author TEXT,
    timestamp TEXT,
    preview TEXT NOT NULL,
    tool_names TEXT,
    is_sidechain INTEGER NOT NULL,
    is_meta INTEGER NOT NULL,
    model TEXT,
    source_id INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    UNIQUE (session_id, uuid)
  );
  CREATE TABLE requests (
    message_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    model TEXT NOT NULL,
    timestamp TEXT,
    line_uuid TEXT,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_write_5m_tokens INTEGER NOT NULL,
    cache_write_1h_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    fast INTEGER NOT NULL,
    cost REAL NOT NULL,
    cost_source TEXT NOT NULL,
    -- a rowid table: rows append in order and only the key index takes random inserts
    UNIQUE (message_id, request_id)
  );
  CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    claude_dir TEXT NOT NULL,
    rel_path TEXT NOT NULL,
    line_no INTEGER,
    -- -1 for a problem with the whole file, so that UNIQUE dedups it too
    byte_offset INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (claude_dir, rel_path, byte_offset, kind)
  );
  CREATE TABLE line_types (
    source_id INTEGER NOT NULL,
    line_type TEXT NOT NULL,
    known INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (source_id, line_type)
  ) WITHOUT ROWID;
  `,
  // Plan limits as status lines reported them (docs/limits.md): the history the projection reads.
  `
  CREATE TABLE limit_observations (
    id INTEGER PRIMARY KEY,
    observed_at_ms INTEGER NOT NULL,
    session_id TEXT,
    session_cost REAL,
    five_hour_used REAL,
    five_hour_resets_at_ms INTEGER,
    seven_day_used REAL,
    seven_day_resets_at_ms INTEGER
  );
  CREATE INDEX limit_observations_observed_at ON limit_observations (observed_at_ms);
  `,
  // Charges on the bill beyond the token cost (docs/pricing.md): server tool fees and the US-only
  // inference premium, per request, with the counts they come from. Sessions sum them when read.
  `
  ALTER TABLE requests ADD COLUMN web_search_requests INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE requests ADD COLUMN web_fetch_requests INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE requests ADD COLUMN inference_geo TEXT NOT NULL DEFAULT '';
  ALTER TABLE requests ADD COLUMN server_tool_cost REAL NOT NULL DEFAULT 0;
  ALTER TABLE requests ADD COLUMN data_residency_cost REAL NOT NULL DEFAULT 0;
  CREATE INDEX requests_extra ON requests (session_id)
    WHERE (web_search_requests > 0 OR web_fetch_requests > 0 OR inference_geo = 'us');
  -- An unpriced request's estimate (core/inferPrice.ts): shown beside the session, never summed into it.
  ALTER TABLE requests ADD COLUMN estimated_cost REAL;
  ALTER TABLE requests ADD COLUMN estimate_basis TEXT;
  CREATE INDEX requests_unpriced ON requests (session_id) WHERE cost_source = 'unpriced';
  `,
  // A request's first line's time, beside its winning line's (core/accounting.ts mergeRequest).
  `
  ALTER TABLE requests ADD COLUMN started_at TEXT;
  `,
  // Which subagent type each run was started as (docs/usage.md): the parent's Task/Agent call.
  `
  CREATE TABLE subagent_links (
    session_id TEXT NOT NULL,
    tool_use_id TEXT NOT NULL,
    subagent_type TEXT,
    agent_id TEXT,
    PRIMARY KEY (session_id, tool_use_id)
  ) WITHOUT ROWID;
  CREATE INDEX subagent_links_agent ON subagent_links (session_id, agent_id);
  `,
  // Agents in a rowid table, rows in the order they come (a session's first, for the rows kept):
  // keyed by (session_id, agent_id) the rows of the sessions active together were scattered
  // over the table, and every live commit rewrote a page per session for its counts, a fifth of
  // what serve wrote at 5000 sessions (docs/ingest.md, "Reading under load"). The key is a
  // unique index, which an update of the counts leaves alone.
  `
  CREATE TABLE agents_by_arrival (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    message_count INTEGER NOT NULL DEFAULT 0,
    request_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    UNIQUE (session_id, agent_id)
  );
  INSERT INTO agents_by_arrival (session_id, agent_id, message_count, request_count, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost)
    SELECT a.session_id, a.agent_id, a.message_count, a.request_count, a.input_tokens, a.output_tokens, a.cache_creation_tokens, a.cache_read_tokens, a.cost
    FROM agents a LEFT JOIN sessions s ON s.id = a.session_id ORDER BY s.rowid, a.agent_id;
  DROP TABLE agents;
  ALTER TABLE agents_by_arrival RENAME TO agents;
  `,
  // Requests by the time the activity per second dates them (activitySince): every start of serve
  // scanned the whole table for the last hour's, 30-45 ms at 48,000 requests, and the scan grows
  // with the history. Live requests come in time order, so the index grows at its right edge.
  `
  CREATE INDEX requests_started ON requests (COALESCE(started_at, timestamp));
  `,
];
