import { parseUsage } from '../core/usage.js';
import { KNOWN_LINE_TYPES, type LinePosition, type LineProblem, type RequestUsage, type ToolResult, type ToolUse, type TranscriptEntry } from '../core/entry.js';

export const PREVIEW_CHARS = 240;
/** Content arrays are short in practice; a huge one is not walked past this. */
const MAX_BLOCKS = 256;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export interface FileContext {
  /** From an `agent-<id>.jsonl` file name; lines may also carry `agentId`. */
  agentId: string | null;
}

export type Normalised = { entry: TranscriptEntry | null; problems: LineProblem[] };

/** Turns one parsed JSON line into an entry. Never throws; oddities become problems. */
export function normaliseLine(value: unknown, file: FileContext, position: LinePosition): Normalised {
  const problems: LineProblem[] = [];
  if (!isObject(value)) {
    problems.push({ kind: 'not-an-object', detail: `line is JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object` });
    return { entry: null, problems };
  }
  const lineType = str(value.type) ?? 'unknown';
  if (!KNOWN_LINE_TYPES.has(lineType)) problems.push({ kind: 'unknown-line-type', detail: `type ${JSON.stringify(lineType).slice(0, 60)}` });

  const isSidechain = value.isSidechain === true;
  const agentId = str(value.agentId) ?? file.agentId ?? (isSidechain ? 'sidechain' : '');
  const entry: TranscriptEntry = {
    byteOffset: position.byteOffset,
    byteLength: position.byteLength,
    lineNo: position.lineNo,
    lineType,
    uuid: str(value.uuid),
    parentUuid: str(value.parentUuid),
    sessionId: str(value.sessionId),
    timestamp: readTimestamp(value.timestamp, problems),
    cwd: str(value.cwd),
    gitBranch: str(value.gitBranch),
    version: str(value.version),
    agentId,
    isSidechain,
    isMeta: value.isMeta === true,
    author: null,
    preview: '',
    toolUses: [],
    toolResults: [],
    model: null,
    request: null,
    priced: null,
    isApiError: value.isApiErrorMessage === true,
  };

  if (lineType === 'user' || lineType === 'assistant') readMessage(value, entry, problems);
  else if (lineType === 'system') {
    entry.author = 'system';
    entry.preview = clip(str(value.content) ?? str(value.subtype) ?? '');
  } else if (lineType === 'summary') entry.preview = clip(str(value.summary) ?? '');
  return { entry, problems };
}

const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function readTimestamp(raw: unknown, problems: LineProblem[]): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') {
    if (CANONICAL_TIME.test(raw)) return raw;
    const ms = Date.parse(raw);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  problems.push({ kind: 'bad-timestamp', detail: `timestamp ${String(raw).slice(0, 40)}` });
  return null;
}

function readMessage(line: Json, entry: TranscriptEntry, problems: LineProblem[]): void {
  const message = line.message;
  if (!isObject(message)) {
    problems.push({ kind: 'missing-message', detail: `${entry.lineType} line without a message object` });
    entry.author = entry.lineType === 'assistant' ? 'assistant' : 'user';
    return;
  }
  const content = message.content;
  const texts: string[] = [];
  const results: string[] = [];
  if (typeof content === 'string') texts.push(head(content));
  else if (Array.isArray(content)) readBlocks(content, entry, texts, results);

  if (entry.lineType === 'assistant') {
    entry.author = 'assistant';
    entry.model = str(message.model);
    entry.request = readRequest(line, message, entry, problems);
  } else {
    entry.author = entry.toolResults.length > 0 && texts.length === 0 ? 'tool' : 'user';
    readSubagentResult(line, entry);
  }
  entry.preview = clip(texts.join(' ') || results[0] || describeTools(entry));
}

/** The most of a text a preview can show: texts are cut to it before they are joined (joining whole ones, then cutting, copied them all). */
const PREVIEW_SOURCE_CHARS = PREVIEW_CHARS + 40;

function head(text: string): string {
  return text.length > PREVIEW_SOURCE_CHARS ? text.slice(0, PREVIEW_SOURCE_CHARS) : text;
}

/** The tools that start a subagent: `Task`, renamed `Agent` in 2.1.x. */
const SUBAGENT_TOOLS = new Set(['Task', 'Agent']);

/** A Task/Agent result line names the run it started (2.0+: `toolUseResult.agentId`; 2.1.114 adds `agentType`). */
function readSubagentResult(line: Json, entry: TranscriptEntry): void {
  const result = line.toolUseResult;
  const toolUseId = entry.toolResults[0]?.toolUseId;
  if (!isObject(result) || !toolUseId || entry.toolResults.length !== 1) return;
  const agentId = str(result.agentId);
  if (agentId) (entry.subagentLinks ??= []).push({ toolUseId, subagentType: str(result.agentType), agentId });
}

function readBlocks(blocks: unknown[], entry: TranscriptEntry, texts: string[], results: string[]): void {
  const n = Math.min(blocks.length, MAX_BLOCKS);
  for (let i = 0; i < n; i++) {
    const block = blocks[i];
    if (!isObject(block)) continue;
    switch (block.type) {
      case 'text': {
        const text = str(block.text);
        if (text) texts.push(head(text));
        break;
      }
      case 'thinking':
        texts.push(str(block.thinking) ? `(thinking) ${head(block.thinking as string)}` : '(thinking)');
        break;
      case 'tool_use': {
        const use: ToolUse = { id: str(block.id) ?? '', name: str(block.name) ?? 'unknown' };
        entry.toolUses.push(use);
        const type = SUBAGENT_TOOLS.has(use.name) && isObject(block.input) ? str(block.input.subagent_type) : null;
        if (type && use.id) (entry.subagentLinks ??= []).push({ toolUseId: use.id, subagentType: type, agentId: null });
        break;
      }
      case 'tool_result': {
        const result: ToolResult = { toolUseId: str(block.tool_use_id) ?? '', isError: block.is_error === true };
        entry.toolResults.push(result);
        const text = resultText(block.content);
        if (text) results.push(text);
        break;
      }
      case 'image':
        texts.push('[image]');
        break;
      default:
        break;
    }
  }
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  for (let i = 0; i < Math.min(content.length, MAX_BLOCKS); i++) {
    const block = content[i];
    if (isObject(block) && typeof block.text === 'string') return block.text;
  }
  return '';
}

function describeTools(entry: TranscriptEntry): string {
  return entry.toolUses.map((use) => `→ ${use.name}`).join(' ');
}

function readRequest(line: Json, message: Json, entry: TranscriptEntry, problems: LineProblem[]): RequestUsage | null {
  // Usage is taken from top-level assistant lines only; API errors and <synthetic> lines are never priced.
  if (entry.isApiError || entry.model === '<synthetic>') return null;
  const messageId = str(message.id);
  const requestId = str(line.requestId) ?? '';
  if (message.usage === undefined) return null;
  const { usage, issues } = parseUsage(message.usage);
  for (const issue of issues) {
    problems.push({
      kind: issue.fix === 'coerced' ? 'usage-coerced' : 'usage-rejected',
      detail: `${issue.field} = ${issue.value}`,
    });
  }
  if (!usage) return null;
  if (!messageId) {
    problems.push({ kind: 'missing-message-id', detail: 'assistant usage without message.id' });
    return null;
  }
  const rawCost = line.costUSD;
  const reportedCost = typeof rawCost === 'number' && Number.isFinite(rawCost) && rawCost >= 0 ? rawCost : undefined;
  return { messageId, requestId, model: entry.model ?? 'unknown', usage, reportedCost };
}

/** Whitespace that collapsing would change: any but a single space between other characters. */
const UNFLAT = /[^\S ]|\s\s|^\s|\s$/;

function clip(text: string): string {
  // Collapsing whitespace only shortens: a little over the preview length is enough to look at.
  const flat = head(text);
  // Tested first: most previews are already one line, and the replace copied every one of them.
  const oneLine = UNFLAT.test(flat) ? flat.replace(/\s+/g, ' ').trim() : flat;
  return oneLine.length > PREVIEW_CHARS ? `${oneLine.slice(0, PREVIEW_CHARS - 1)}…` : oneLine;
}
