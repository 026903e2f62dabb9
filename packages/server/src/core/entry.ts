import type { RequestRecord } from './accounting.js';
import type { Usage } from './usage.js';

export type Author = 'user' | 'assistant' | 'system' | 'tool';

/** Line types documented in transcript-format.md; anything else is kept and counted as unknown. */
export const KNOWN_LINE_TYPES = new Set([
  'user',
  'assistant',
  'system',
  'summary',
  'file-history-snapshot',
  'queue-operation',
  'progress',
  'attachment',
  'permission-mode',
  'last-prompt',
]);

export interface ToolUse {
  id: string;
  name: string;
}

export interface ToolResult {
  toolUseId: string;
  isError: boolean;
}

/**
 * Half of the link from a subagent run to the type it was started as (docs/usage.md): the parent's
 * Task/Agent tool_use gives the type, the tool_result line's `toolUseResult.agentId` the run.
 */
export interface SubagentLink {
  toolUseId: string;
  subagentType: string | null;
  agentId: string | null;
}

export interface RequestUsage {
  messageId: string;
  requestId: string;
  model: string;
  usage: Usage;
  /** `costUSD` written by Claude Code up to ~1.0.8. */
  reportedCost: number | undefined;
}

/** Where a line sits in its source file. */
export interface LinePosition {
  byteOffset: number;
  byteLength: number;
  lineNo: number;
}

/** One transcript line reduced to what ClaudeLens keeps; the raw line stays in its file. */
export interface TranscriptEntry extends LinePosition {
  lineType: string;
  uuid: string | null;
  parentUuid: string | null;
  sessionId: string | null;
  timestamp: string | null;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  /** '' for the main thread. */
  agentId: string;
  isSidechain: boolean;
  isMeta: boolean;
  /** Set on user and assistant lines: what the conversation view and feed show. */
  author: Author | null;
  preview: string;
  toolUses: ToolUse[];
  toolResults: ToolResult[];
  /** Set only on lines that start a subagent or carry its result. */
  subagentLinks?: SubagentLink[];
  model: string | null;
  request: RequestUsage | null;
  /** The request priced and attributed to its session, set by the pricing step. */
  priced: RequestRecord | null;
  isApiError: boolean;
}

export interface LineProblem {
  kind: string;
  detail: string;
}

export type PositionedProblem = LineProblem & LinePosition;
