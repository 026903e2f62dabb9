import { NO_EXTRA_CHARGES, type ExtraCharges, type UnpricedUsage } from '../extraCharges.js';
import type { SessionSummary } from '@claudelens/protocol';
import { storedCost, type SessionTotals, type StoredMessage } from '../repository.js';

// PostgreSQL rows mapped to domain values. bigint columns arrive as numbers (the pool parses
// int8; every count and token sum here is far below 2^53).

/** Text as PostgreSQL can hold it: a NUL character, valid in a JSON string, is not allowed in `text`. */
export function pgText<T extends string | null>(value: T): T {
  return (value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
}

export interface SessionRow {
  id: string;
  project_path: string | null;
  first_activity: string | null;
  last_activity: string | null;
  message_count: number;
  tool_use_count: number;
  request_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  cost: number;
}

export interface AgentRow {
  session_id: string;
  agent_id: string;
  request_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  cost: number;
}

export interface ModelRow {
  session_id: string;
  model: string;
  priced: boolean;
}

export interface MessageRow {
  id: number;
  uuid: string;
  parent_uuid: string | null;
  agent_id: string;
  line_type: string;
  author: string | null;
  timestamp: string | null;
  preview: string;
  tool_names: string | null;
  is_sidechain: boolean;
  is_meta: boolean;
  model: string | null;
  claude_dir: string;
  rel_path: string;
  byte_offset: number;
  byte_length: number;
}

export function toTotals(row: SessionRow): SessionTotals {
  return {
    sessionId: row.id,
    projectPath: row.project_path,
    firstActivity: row.first_activity,
    lastActivity: row.last_activity,
    messageCount: row.message_count,
    toolUseCount: row.tool_use_count,
    requests: row.request_count,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cost: storedCost(row.cost),
  };
}

export function toSummary(row: SessionRow, models: ModelRow[], agents: AgentRow[], extra: ExtraCharges | undefined, unpriced: UnpricedUsage[] | undefined): SessionSummary {
  return {
    sessionId: row.id,
    projectPath: row.project_path,
    firstActivity: row.first_activity,
    lastActivity: row.last_activity,
    messageCount: row.message_count,
    toolUseCount: row.tool_use_count,
    requests: row.request_count,
    models: models.map((m) => m.model),
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    cacheReadTokens: row.cache_read_tokens,
    totalCost: storedCost(row.cost),
    unpricedModels: models.filter((m) => !m.priced).map((m) => m.model),
    extraCharges: extra ?? NO_EXTRA_CHARGES,
    unpriced: unpriced ?? [],
    agents: agents.map((a) => ({
      agentId: a.agent_id,
      requests: a.request_count,
      inputTokens: a.input_tokens,
      outputTokens: a.output_tokens,
      cacheCreationTokens: a.cache_creation_tokens,
      cacheReadTokens: a.cache_read_tokens,
      totalCost: storedCost(a.cost),
    })),
  };
}

export function toStoredMessage(r: MessageRow): StoredMessage {
  return {
    cursor: `${r.timestamp ?? ''}|${r.id}`,
    uuid: r.uuid,
    parentUuid: r.parent_uuid,
    agentId: r.agent_id,
    lineType: r.line_type,
    author: r.author,
    timestamp: r.timestamp,
    preview: r.preview,
    toolNames: r.tool_names ? r.tool_names.split(',') : [],
    isSidechain: r.is_sidechain,
    isMeta: r.is_meta,
    model: r.model,
    location: { claudeDir: r.claude_dir, relPath: r.rel_path, byteOffset: r.byte_offset, byteLength: r.byte_length },
  };
}
