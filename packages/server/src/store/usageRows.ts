import type { UsageAmounts } from '../core/usagePeriods.js';
import type { UsageBucket, UsageRequest } from './repository.js';

/** The columns every usage row sums or reports, as both drivers select them. */
interface AmountColumns {
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  cost: number;
}

function amountsOf(row: AmountColumns): UsageAmounts {
  return {
    model: row.model,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cost: row.cost,
  };
}

/** A usage row as both drivers select it (PostgreSQL's bigints arrive as numbers, see postgresStore). */
export interface UsageRow extends AmountColumns {
  timestamp: string;
  session_id: string;
  agent_id: string;
  project_path: string | null;
  cost_source: string;
  tool_names: string | null;
  subagent_type: string | null;
}

export function toUsageRequest(row: UsageRow): UsageRequest {
  return {
    timestamp: row.timestamp,
    sessionId: row.session_id,
    agentId: row.agent_id,
    projectPath: row.project_path,
    ...amountsOf(row),
    unpriced: row.cost_source === 'unpriced',
    toolNames: row.tool_names ? row.tool_names.split(',') : [],
    subagentType: row.subagent_type,
  };
}

/** A bucket row as both drivers select it (PostgreSQL's sums cast back to bigint/double). */
export interface UsageBucketRow extends AmountColumns {
  timestamp: string;
  last_timestamp: string;
  entries: number;
}

export function toUsageBucket(row: UsageBucketRow): UsageBucket {
  return {
    timestamp: row.timestamp,
    lastTimestamp: row.last_timestamp,
    ...amountsOf(row),
    entries: row.entries,
  };
}
