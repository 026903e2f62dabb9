/**
 * Cuts `toolUseResult` out of a large line before it is parsed. That key holds a tool-specific
 * copy of a tool's result (about a third of all transcript bytes) and ClaudeLens never reads
 * it, at any depth: so removing a key-value pair with that name changes nothing the normaliser
 * sees, whichever depth the pair sits at. Inside JSON strings quotes are escaped, so the bytes
 * `"toolUseResult":` only occur as a real key. Anything unexpected returns undefined and the
 * caller parses the whole line.
 */
const MARKER = Buffer.from('"toolUseResult":');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function skimLine(buf: Buffer, start: number, end: number): unknown {
  const at = buf.lastIndexOf(MARKER, end - MARKER.length);
  if (at <= start) return undefined;
  const valueEnd = skipValue(buf, skipSpace(buf, at + MARKER.length, end), end);
  if (valueEnd < 0) return undefined;
  // Drop the pair and one comma next to it: the one after it, else the one before it.
  let cutStart = at;
  let cutEnd = skipSpace(buf, valueEnd, end);
  if (buf[cutEnd] === 0x2c) cutEnd++;
  else {
    let before = at - 1;
    while (before > start && isSpace(buf[before])) before--;
    if (buf[before] !== 0x2c) return undefined;
    cutStart = before;
  }
  try {
    return JSON.parse(buf.toString('utf8', start, cutStart) + buf.toString('utf8', cutEnd, end));
  } catch {
    return undefined;
  }
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
