/**
 * Shrinks a large line before it is parsed, to the parts ClaudeLens reads:
 * - `toolUseResult` (a tool-specific copy of a tool's result: a third of all transcript bytes)
 *   is cut out wherever it is, except the `agentId` and `agentType` of a subagent's result, which
 *   link the run to its Task/Agent call (docs/usage.md); nothing else reads a key of that name;
 * - a string longer than LONG_STRING bytes keeps its first KEEP bytes: ClaudeLens reads long
 *   text only for a preview of a few hundred characters.
 * Strings are found with `indexOf`, skipping escaped quotes; outside strings a quote always
 * starts one, so no other structure needs tracking. A test checks, on every fixture line, that
 * the normalised entry is the same as from a full parse. Returns null when there is nothing to
 * shrink or the line is not what it expects: the caller then parses the whole line.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SKIPPED_KEY = Buffer.from('"toolUseResult"');
export const LONG_STRING = 4096;
const KEEP = 1536;

export function skimLine(buf: Buffer, start: number, end: number): string | null {
  const pieces: string[] = [];
  let pos = start;
  let i = start;
  for (;;) {
    const open = buf.indexOf(QUOTE, i);
    if (open < 0 || open >= end) break;
    const close = skipString(buf, open, end);
    if (close < 0) return null;
    if (close - open === SKIPPED_KEY.length && buf.compare(SKIPPED_KEY, 0, SKIPPED_KEY.length, open, close) === 0) {
      const colon = skipSpace(buf, close, end);
      if (buf[colon] === 0x3a) {
        const valueStart = skipSpace(buf, colon + 1, end);
        const valueEnd = skipValue(buf, valueStart, end);
        if (valueEnd < 0) return null;
        const kept = subagentFields(buf, valueStart, valueEnd);
        if (kept !== null) {
          pieces.push(buf.toString('utf8', pos, valueStart), kept);
          pos = i = valueEnd;
          continue;
        }
        const after = skipSpace(buf, valueEnd, end);
        if (buf[after] === 0x2c) {
          pieces.push(buf.toString('utf8', pos, open));
          pos = i = after + 1;
        } else {
          // The last key: drop the comma before it instead.
          const head = buf.toString('utf8', pos, open).trimEnd();
          pieces.push(head.endsWith(',') ? head.slice(0, -1) : head);
          pos = i = valueEnd;
        }
        continue;
      }
    }
    if (close - open > LONG_STRING) {
      pieces.push(buf.toString('utf8', pos, safeCut(buf, open + 1 + KEEP)), '"');
      pos = close;
    }
    i = close;
  }
  if (pieces.length === 0) return null;
  pieces.push(buf.toString('utf8', pos, end));
  return pieces.join('');
}

const AGENT_ID = Buffer.from('"agentId":"');
const AGENT_TYPE = Buffer.from('"agentType":"');

/**
 * A Task/Agent result's `{agentId, agentType}` as JSON, or null when it names no agent. A key
 * found this way is real JSON structure: inside a string its quotes would be escaped.
 */
function subagentFields(buf: Buffer, start: number, end: number): string | null {
  const id = stringAfter(buf, AGENT_ID, start, end);
  if (id === null) return null;
  const type = stringAfter(buf, AGENT_TYPE, start, end);
  return `{"agentId":${id}${type === null ? '' : `,"agentType":${type}`}}`;
}

/** The JSON string (quotes included) just after the first `key` in [start, end), or null. */
function stringAfter(buf: Buffer, key: Buffer, start: number, end: number): string | null {
  // Searched within the value only: `buf` may be a whole read chunk, and a search to its end for
  // every skimmed result made imports quadratic in the chunk's lines.
  const found = buf.subarray(start, end).indexOf(key);
  if (found < 0) return null;
  const at = start + found;
  const open = at + key.length - 1;
  const close = skipString(buf, open, end);
  return close < 0 ? null : buf.toString('utf8', open, close);
}

/** Moves a cut back so that it splits neither an escape sequence nor a UTF-8 character. */
function safeCut(buf: Buffer, cut: number): number {
  for (let k = cut - 1; k >= cut - 6; k--) {
    if (buf[k] !== BACKSLASH) continue;
    let run = 1;
    while (buf[k - run] === BACKSLASH) run++;
    // An escape starting at k (an odd run ends there) that the cut would split: \x or \uXXXX.
    if (run % 2 === 1 && cut - k < (buf[k + 1] === 0x75 ? 6 : 2)) cut = k;
    break;
  }
  while (cut > 0 && ((buf[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(buf: Buffer, i: number, end: number): number {
  while (i < end && isSpace(buf[i])) i++;
  return i;
}

/** `i` is at an opening quote; returns the index after the closing one, or -1. */
function skipString(buf: Buffer, i: number, end: number): number {
  let j = i;
  for (;;) {
    j = buf.indexOf(QUOTE, j + 1);
    if (j < 0 || j >= end) return -1;
    let backslashes = 0;
    while (buf[j - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
  }
}

/** Returns the index just after the JSON value starting at `i`, or -1. */
function skipValue(buf: Buffer, i: number, end: number): number {
  const first = buf[i];
  if (first === QUOTE) return skipString(buf, i, end);
  if (first !== 0x7b && first !== 0x5b) {
    while (i < end) {
      const c = buf[i];
      if (c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c)) return i;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < end) {
    const c = buf[i];
    if (c === QUOTE) {
      i = skipString(buf, i, end);
      if (i < 0) return -1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}
