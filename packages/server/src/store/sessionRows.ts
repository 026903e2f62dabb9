import type { SessionSummary } from '@claudelens/protocol';
import { NO_EXTRA_CHARGES, type ExtraCharges, type UnpricedUsage } from './extraCharges.js';
import type { Flag } from './flag.js';
import { storedCost, type ProjectTotals, type SessionTotals } from './repository.js';

// Session, agent and project rows as both drivers select them, mapped to domain values once, so
// that the totals a reader sees are read the same way on SQLite and PostgreSQL (invariant 1).
// PostgreSQL's bigints arrive as numbers (see postgresStore's pool).

/** What the sessions and agents tables both sum. */
interface SummedColumns {
  request_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  cost: number;
}

export interface SessionRow extends SummedColumns {
  id: string;
  project_path: string | null;
  first_activity: string | null;
  last_activity: string | null;
  message_count: number;
  tool_use_count: number;
}

export interface AgentRow extends SummedColumns {
  session_id: string;
  agent_id: string;
}

export interface ModelRow {
  session_id: string;
  model: string;
  priced: Flag;
}

export interface ProjectRow {
  path: string;
  sessions: number;
  messages: number;
  tokens: number;
  cost: number;
  first_activity: string | null;
  last_activity: string | null;
}

/** The columns of a session that say what it is, in the order both summaries list them. */
function sessionFacts(row: SessionRow) {
  return {
    sessionId: row.id,
    projectPath: row.project_path,
    firstActivity: row.first_activity,
    lastActivity: row.last_activity,
    messageCount: row.message_count,
    toolUseCount: row.tool_use_count,
    requests: row.request_count,
  };
}

/** The four token counts a session and an agent both sum. */
function tokensOf(row: SummedColumns) {
  return {
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
  };
}

/** Added to, not spread from sessionFacts and tokensOf: every live commit maps each session it touched (1.4% of serve's CPU at 5000 lines/s). */
export function toTotals(row: SessionRow): SessionTotals {
  const totals = sessionFacts(row) as SessionTotals;
  totals.inputTokens = row.input_tokens;
  totals.outputTokens = row.output_tokens;
  totals.cacheCreationTokens = row.cache_creation_tokens;
  totals.cacheReadTokens = row.cache_read_tokens;
  totals.cost = storedCost(row.cost);
  return totals;
}

/** A session's summary: its row, its models, its agents (without the main thread's '') and its extra charges. */
export function toSummary(
  row: SessionRow,
  models: Pick<ModelRow, 'model' | 'priced'>[],
  agents: AgentRow[],
  extra: ExtraCharges | undefined,
  unpriced: UnpricedUsage[] | undefined,
): SessionSummary {
  return {
    ...sessionFacts(row),
    models: models.map((m) => m.model),
    ...tokensOf(row),
    totalCost: storedCost(row.cost),
    unpricedModels: models.filter((m) => !m.priced).map((m) => m.model),
    extraCharges: extra ?? NO_EXTRA_CHARGES,
    unpriced: unpriced ?? [],
    agents: agents.map((a) => ({ agentId: a.agent_id, requests: a.request_count, ...tokensOf(a), totalCost: storedCost(a.cost) })),
  };
}

export function toProjectTotals(r: ProjectRow): ProjectTotals {
  return {
    path: r.path,
    sessions: r.sessions,
    messages: r.messages,
    tokens: r.tokens,
    cost: r.cost,
    firstActivity: r.first_activity,
    lastActivity: r.last_activity,
  };
}
