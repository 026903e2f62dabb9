/** Token counts of one API request, as billed: cache writes split by their time to live. */
export interface Usage {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  /** `usage.speed` (2.1.114+): "fast" mode is billed at a multiple of the standard price. */
  fast: boolean;
  /** `usage.server_tool_use` (2.1.38+): searches are billed per request on top of tokens. */
  webSearchRequests: number;
  webFetchRequests: number;
  /** `usage.inference_geo` (2.1.38+): "us" is US-only inference, billed at a premium on newer models; '' when absent. */
  inferenceGeo: string;
}

export const ZERO_USAGE: Usage = {
  input: 0,
  output: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  cacheRead: 0,
  fast: false,
  webSearchRequests: 0,
  webFetchRequests: 0,
  inferenceGeo: '',
};

/** Longer values are not a region: kept short so a corrupt line cannot bloat a row. */
const MAX_GEO_CHARS = 32;

/** No single request comes near this; a larger count is corruption, not usage. */
export const MAX_TOKENS_PER_REQUEST = 100_000_000;

export type UsageIssue = { field: string; value: string; fix: 'coerced' | 'rejected' };
export type UsageParse = { usage: Usage | null; issues: UsageIssue[] };

const DIGITS = /^\d{1,15}$/;

function readCount(raw: unknown, field: string, issues: UsageIssue[]): number | null {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 && raw <= MAX_TOKENS_PER_REQUEST) return raw;
  if (typeof raw === 'string' && DIGITS.test(raw)) {
    const n = Number(raw);
    if (n <= MAX_TOKENS_PER_REQUEST) {
      issues.push({ field, value: raw, fix: 'coerced' });
      return n;
    }
  }
  issues.push({ field, value: describe(raw), fix: 'rejected' });
  return null;
}

function describe(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Reads `message.usage` of an assistant line. Digit strings are coerced (and reported); a
 * negative, fractional, huge or non-numeric count rejects the whole usage, because a request
 * with one corrupt field cannot be priced honestly and must not poison the totals.
 */
export function parseUsage(raw: unknown): UsageParse {
  const issues: UsageIssue[] = [];
  if (raw === undefined) return { usage: null, issues };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({ field: 'usage', value: describe(raw), fix: 'rejected' });
    return { usage: null, issues };
  }
  const u = raw as Record<string, unknown>;
  const input = readCount(u.input_tokens, 'input_tokens', issues);
  const output = readCount(u.output_tokens, 'output_tokens', issues);
  const cacheCreation = readCount(u.cache_creation_input_tokens, 'cache_creation_input_tokens', issues);
  const cacheRead = readCount(u.cache_read_input_tokens, 'cache_read_input_tokens', issues);
  let write1h = 0;
  const split = u.cache_creation;
  if (split && typeof split === 'object' && !Array.isArray(split)) {
    write1h = readCount((split as Record<string, unknown>).ephemeral_1h_input_tokens, 'cache_creation.ephemeral_1h_input_tokens', issues) ?? -1;
  }
  let webSearchRequests: number | null = 0;
  let webFetchRequests: number | null = 0;
  const tools = u.server_tool_use;
  if (tools && typeof tools === 'object' && !Array.isArray(tools)) {
    const t = tools as Record<string, unknown>;
    webSearchRequests = readCount(t.web_search_requests, 'server_tool_use.web_search_requests', issues);
    webFetchRequests = readCount(t.web_fetch_requests, 'server_tool_use.web_fetch_requests', issues);
  }
  const geo = typeof u.inference_geo === 'string' ? u.inference_geo.slice(0, MAX_GEO_CHARS) : '';
  if (input === null || output === null || cacheCreation === null || cacheRead === null || write1h < 0 || webSearchRequests === null || webFetchRequests === null) {
    return { usage: null, issues };
  }
  // The total is authoritative; whatever the split does not place at 1h was written for 5m.
  const cacheWrite1h = Math.min(write1h, cacheCreation);
  return {
    usage: {
      input,
      output,
      cacheWrite5m: cacheCreation - cacheWrite1h,
      cacheWrite1h,
      cacheRead,
      fast: u.speed === 'fast',
      webSearchRequests,
      webFetchRequests,
      inferenceGeo: geo,
    },
    issues,
  };
}

export function cacheCreationTokens(usage: Usage): number {
  return usage.cacheWrite5m + usage.cacheWrite1h;
}
