import { isUtf8 } from 'node:buffer';
import type { PositionedProblem, TranscriptEntry } from '../core/entry.js';
import { normaliseLine, type FileContext } from './normalise.js';
import { LONG_STRING, skimLine } from './skim.js';

/** Below this a line is parsed whole: skimming pays off only on large tool results. */
const SKIM_FROM_BYTES = LONG_STRING;

export interface ParsedChunk {
  entries: TranscriptEntry[];
  problems: PositionedProblem[];
  /** Bytes up to and including the last newline: what may be marked as read. */
  consumedBytes: number;
  consumedLines: number;
}

/**
 * Parses the newline-terminated lines of `buf`. With `tail`, the bytes after the last newline
 * are tried as a line too (a complete JSON object that Claude Code has not yet ended with a
 * newline) but are not counted as consumed, so they are read again once the line is finished.
 */
export function parseChunk(buf: Buffer, offset: number, lineNo: number, file: FileContext, tail: boolean): ParsedChunk {
  const out: ParsedChunk = { entries: [], problems: [], consumedBytes: 0, consumedLines: 0 };
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    const complete = end >= 0;
    if (!complete) {
      if (!tail) break;
      end = buf.length;
    }
    const position = { byteOffset: offset + start, byteLength: end - start + (complete ? 1 : 0), lineNo: lineNo + out.consumedLines + 1 };
    parseLine(buf, start, end, position, file, out, complete);
    start = end + 1;
    if (complete) {
      out.consumedBytes = start;
      out.consumedLines++;
    }
  }
  return out;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // parsed whole instead, where a real problem is reported
  }
}

function parseLine(
  buf: Buffer,
  start: number,
  end: number,
  position: { byteOffset: number; byteLength: number; lineNo: number },
  file: FileContext,
  out: ParsedChunk,
  complete: boolean,
): void {
  let stop = end;
  if (stop > start && buf[stop - 1] === 13) stop--; // CRLF
  if (stop === start) return;
  const bytes = buf.subarray(start, stop);
  let value: unknown = undefined;
  const skimmed = stop - start >= SKIM_FROM_BYTES ? skimLine(buf, start, stop) : null;
  if (skimmed !== null) value = parseOrUndefined(skimmed);
  if (value === undefined) try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    if (bytes.toString('latin1').trim() === '') return; // a blank line
    // An unfinished last line is not a problem yet: it is read again when its newline arrives.
    if (complete) out.problems.push({ ...position, kind: 'invalid-json', detail: (error as Error).message.slice(0, 200) });
    return;
  }
  if (!complete && (typeof value !== 'object' || value === null)) return;
  if (!isUtf8(bytes)) out.problems.push({ ...position, kind: 'invalid-utf8', detail: 'bytes that are not UTF-8 were replaced by U+FFFD' });
  const { entry, problems } = normaliseLine(value, file, position);
  for (const problem of problems) out.problems.push({ ...position, ...problem });
  if (entry) out.entries.push(entry);
}
