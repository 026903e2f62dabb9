import { AGENT_ID, type IdRenamer, PREFIXED_ID, UUID, WHOLE_UUID } from './renameIds.js';
import type { ScriptLine } from './sessionScripts.js';

const TIMESTAMP = /"timestamp":"([^"]+)"/g;

/** What a copy fills in between two literal pieces of a line. */
type Hole = { kind: 'uuid'; original: string } | { kind: 'tag' } | { kind: 'time'; ms: number };

/** A cut of the original text: `text[start, end)` becomes `lead`, then the hole, then `trail`. */
interface Cut {
  start: number;
  end: number;
  lead: string;
  hole: Hole | null;
  trail: string;
}

const TAG: Hole = { kind: 'tag' };
const templates = new WeakMap<ScriptLine, LineTemplate | null>();

/**
 * A script line cut once into literal pieces and holes (its uuids, tagged ids and timestamps), so
 * that a copy renders it with one concatenation instead of `IdRenamer.rename`'s three regex passes
 * and the timestamp pass: the load generator renders the same few thousand lines over and over,
 * on the cores of the servers it measures.
 *
 * It renders exactly what the passes give, because the passes only ever replace what they found in
 * the original text when no two finds touch: a fresh uuid has the same length and the same kind of
 * characters as the one it replaces, so the later passes find the same things. A line where finds
 * do touch (an agent id made of a uuid, a uuid inside a timestamp, ...) has no template; so has a
 * copy whose ids could make new finds (see `templatesApply`). Both take the passes themselves.
 */
export class LineTemplate {
  private constructor(
    private readonly literals: string[],
    private readonly holes: Hole[],
  ) {}

  /** The line's template, cut on first use; null when only the passes render it right. */
  static of(line: ScriptLine): LineTemplate | null {
    let template = templates.get(line);
    if (template === undefined) templates.set(line, (template = LineTemplate.compile(line.text)));
    return template;
  }

  static compile(text: string): LineTemplate | null {
    const cuts: Cut[] = [];
    for (const m of text.matchAll(UUID)) cuts.push(cut(m, '', { kind: 'uuid', original: m[0] }, ''));
    for (const m of text.matchAll(PREFIXED_ID)) cuts.push(cut(m, `${m[0]}x`, TAG, ''));
    for (const m of text.matchAll(AGENT_ID)) cuts.push(cut(m, `${m[0]}x`, TAG, ''));
    for (const m of text.matchAll(TIMESTAMP)) {
      const ms = Date.parse(m[1] as string);
      // An unreadable timestamp stays as it is, but still counts as a find that others must not touch.
      cuts.push(Number.isNaN(ms) ? cut(m, m[0], null, '') : cut(m, '"timestamp":"', { kind: 'time', ms }, '"'));
    }
    cuts.sort((a, b) => a.start - b.start);

    const literals: string[] = [];
    const holes: Hole[] = [];
    let pending = '';
    let at = 0;
    for (const { start, end, lead, hole, trail } of cuts) {
      if (start < at) return null;
      // A fresh uuid ending in `a` would make `agent-` of a following `gent-`: the passes' text depends on the uuid.
      if (hole?.kind === 'uuid' && text.startsWith('gent-', end)) return null;
      pending += text.slice(at, start) + lead;
      if (hole) {
        literals.push(pending);
        holes.push(hole);
        pending = '';
      }
      pending += trail;
      at = end;
    }
    literals.push(pending + text.slice(at));
    return new LineTemplate(literals, holes);
  }

  /** The line as copy `ids` writes it, its timestamps moved by `shiftMs`. */
  render(ids: IdRenamer, shiftMs: number): string {
    let text = this.literals[0] as string;
    for (let i = 0; i < this.holes.length; i++) {
      const hole = this.holes[i] as Hole;
      text += hole.kind === 'uuid' ? ids.uuid(hole.original) : hole.kind === 'tag' ? ids.tag : new Date(hole.ms + shiftMs).toISOString();
      text += this.literals[i + 1] as string;
    }
    return text;
  }
}

/**
 * Whether templates render a copy as the passes would: every uuid it hands out must be uuid-shaped
 * (fresh ones are; a pinned session id need not be), and its tag, written after each `msg_`...
 * and agent id, must not start a find of the later passes (`agent-`, `"agentId":"`, `"timestamp":"`).
 */
export function templatesApply(tag: string, pinnedIds: Iterable<string>): boolean {
  if (tag.includes('agent') || tag.includes('"')) return false;
  for (const id of pinnedIds) if (!WHOLE_UUID.test(id)) return false;
  return true;
}

/** The timestamp pass on its own, for lines without a template. */
export function shiftTimestamps(text: string, shiftMs: number): string {
  return text.replace(TIMESTAMP, (whole, iso: string) => {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? whole : `"timestamp":"${new Date(ms + shiftMs).toISOString()}"`;
  });
}

function cut(match: RegExpMatchArray, lead: string, hole: Hole | null, trail: string): Cut {
  const start = match.index as number;
  return { start, end: start + match[0].length, lead, hole, trail };
}
