/**
 * Cuts a large top-level value that ClaudeLens never reads (`toolUseResult`, a tool-specific
 * copy of the tool result: about a third of all transcript bytes) off the end of a line before
 * it is parsed. Claude Code writes that key after the ones ClaudeLens needs.
 *
 * Why this is safe: inside a JSON string quotes are escaped, so the bytes `,"toolUseResult":`
 * only occur as a real key. Cut there and closed with one `}`, the head parses only when the key
 * was at the top level (a nested cut leaves brackets open). The caller parses the whole line
 * when this returns null, or when the head lacks a key it needs.
 */
const MARKER = Buffer.from(',"toolUseResult":');

export function skimLine(buf: Buffer, start: number, end: number): unknown {
  const at = buf.lastIndexOf(MARKER, end - MARKER.length);
  if (at < start) return undefined;
  try {
    return JSON.parse(`${buf.toString('utf8', start, at)}}`);
  } catch {
    return undefined;
  }
}
