import { requestStart, totalsOf, type RequestRecord, type Totals } from '../accounting.js';
import type { TranscriptEntry } from '../entry.js';

/**
 * What the live state and the alert rules read of a transcript line: all another node needs of
 * it. A whole entry (its position in the file, branch, version, model, request and pricing) is
 * written on the Redis stream and again in the outbox for every line: this keeps about half of it
 * (docs/scale-out.md).
 */
export type LiveLine = Pick<
  TranscriptEntry,
  'lineType' | 'uuid' | 'sessionId' | 'timestamp' | 'cwd' | 'agentId' | 'isSidechain' | 'isMeta' | 'author' | 'preview' | 'toolUses' | 'toolResults' | 'isApiError'
> & {
  /**
   * Tokens the line added to its request, as its cost does (costByLine): a request's first line
   * brings them all, a later line with more output (a correction) the difference, a line that
   * repeats the usage (the next content block of the same response) none. Adding each line's
   * whole usage counted a request once per line: Tokens / min read about twice the store's.
   */
  tokens: number;
  /** When the line's request started (its first line), where that is not the line's own time: its tokens and cost count then. */
  requestAt?: string;
};

/** A session's totals, as the store keeps them (see store/repository.ts SessionTotals). */
export interface SessionFacts {
  sessionId: string;
  projectPath: string | null;
  firstActivity: string | null;
  lastActivity: string | null;
  messageCount: number;
  toolUseCount: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
}

/** What one commit changed, as the live state needs it. */
export interface LiveInput {
  lines: LiveLine[];
  /** Cost added by each line whose request it priced, by line uuid. */
  costByLine: Map<string, number>;
  /** What the commit added to each session's tokens and cost (request deltas). */
  usageDeltas: Map<string, { tokens: number; cost: number }>;
  sessions: SessionFacts[];
}

/** A line as the live state reads it; its tokens come from its request's change (see liveInput). */
export function liveLine(entry: TranscriptEntry): LiveLine {
  return {
    lineType: entry.lineType,
    uuid: entry.uuid,
    sessionId: entry.sessionId,
    timestamp: entry.timestamp,
    cwd: entry.cwd,
    agentId: entry.agentId,
    isSidechain: entry.isSidechain,
    isMeta: entry.isMeta,
    author: entry.author,
    preview: entry.preview,
    toolUses: entry.toolUses,
    toolResults: entry.toolResults,
    isApiError: entry.isApiError,
    tokens: 0,
  };
}

const tokensOf = (t: Totals) => t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens;

/** A commit's live input from what it stored: its new lines, its request changes, the totals after it. */
export function liveInput(entries: readonly TranscriptEntry[], changes: readonly { record: RequestRecord; delta: Totals }[], sessions: SessionFacts[]): LiveInput {
  const costByLine = new Map<string, number>();
  const byLine = new Map<string, { tokens: number; at: string | null }>();
  const usageDeltas = new Map<string, { tokens: number; cost: number }>();
  for (const { record, delta } of changes) {
    if (record.lineUuid) {
      costByLine.set(record.lineUuid, delta.cost);
      byLine.set(record.lineUuid, { tokens: tokensOf(delta), at: requestStart(record) });
    }
    const sum = usageDeltas.get(record.sessionId) ?? { tokens: 0, cost: 0 };
    sum.tokens += tokensOf(delta);
    sum.cost += delta.cost;
    usageDeltas.set(record.sessionId, sum);
  }
  const lines = entries.map((entry) => {
    const line = liveLine(entry);
    const change = byLine.get(entry.uuid ?? '');
    if (change) {
      line.tokens = change.tokens;
      if (change.at && change.at !== entry.timestamp) line.requestAt = change.at;
    }
    return line;
  });
  return { lines, costByLine, usageDeltas, sessions };
}

/** LiveInput as JSON: its maps as entry arrays. */
interface InputJson {
  lines: LiveLine[];
  costByLine: [string, number][];
  usageDeltas: [string, { tokens: number; cost: number }][];
  sessions: SessionFacts[];
}

/**
 * What nodes from before 2026-12-06 wrote: whole entries, on the bus with the two maps, in the
 * outbox with the request changes instead. Still read, so that a node upgraded beside older
 * ones (or after one was killed) takes their inputs and outbox rows as they were meant.
 */
interface EarlierJson {
  newEntries: TranscriptEntry[];
  costByLine?: [string, number][];
  usageDeltas?: [string, { tokens: number; cost: number }][];
  requestChanges?: { record: RequestRecord; delta: Totals }[];
  sessions?: SessionFacts[];
}

/** The text the bus and the outbox carry; the outbox leaves `sessions` out (they are read afresh when it is published). */
export function inputToJson(input: LiveInput): string {
  const json: InputJson = { lines: input.lines, costByLine: [...input.costByLine], usageDeltas: [...input.usageDeltas], sessions: input.sessions };
  return JSON.stringify(json);
}

export function inputFromJson(text: string): LiveInput {
  const json = JSON.parse(text) as InputJson | EarlierJson;
  if ('lines' in json) return { lines: json.lines, costByLine: new Map(json.costByLine), usageDeltas: new Map(json.usageDeltas), sessions: json.sessions };
  if (json.requestChanges) return liveInput(json.newEntries, json.requestChanges, json.sessions ?? []);
  // Without its request changes an entry's tokens can only be its request's whole usage.
  return {
    lines: json.newEntries.map((entry) => ({ ...liveLine(entry), tokens: entry.priced ? tokensOf(totalsOf(entry.priced)) : 0 })),
    costByLine: new Map(json.costByLine),
    usageDeltas: new Map(json.usageDeltas),
    sessions: json.sessions ?? [],
  };
}
