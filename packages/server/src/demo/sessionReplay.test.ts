// Replayed lines are rendered from templates cut once per script line; they must read exactly as
// the four regex passes they replace wrote them, for every line of the bundled transcripts.
import { describe, expect, it } from 'vitest';
import { LineTemplate, templatesApply } from './lineTemplate.js';
import { IdRenamer } from './renameIds.js';
import { type ReplayOptions, SessionReplay } from './sessionReplay.js';
import { bundledProjectsDir, loadSessionScripts, type ScriptLine, type SessionScript } from './sessionScripts.js';

const scripts = loadSessionScripts(bundledProjectsDir());
const NOW = Date.UTC(2031, 4, 6, 7, 8, 9, 10);
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The renaming as it was first written: each pass runs over the previous one's result. */
function renderByPasses(text: string, ids: IdRenamer, shiftMs: number): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => ids.uuid(u))
    .replace(/\b(msg_|req_|toolu_|srvtoolu_)([A-Za-z0-9]+)/g, (_, prefix: string, id: string) => `${prefix}${id}x${ids.tag}`)
    .replace(/(agent-|"agentId":")(a?[0-9a-f]{6,17}|acompact-[0-9a-f]{6})/g, (_, prefix: string, id: string) => `${prefix}${id}x${ids.tag}`)
    .replace(/"timestamp":"([^"]+)"/g, (whole, iso: string) => {
      const ms = Date.parse(iso);
      return Number.isNaN(ms) ? whole : `"timestamp":"${new Date(ms + shiftMs).toISOString()}"`;
    });
}

/**
 * Numbers uuids by first appearance, so that two renderings with different fresh uuids compare
 * equal; a uuid may carry a tag after its first part, where the passes took that part for an id.
 */
function uuidsNumbered(): (text: string) => string {
  const seen = new Map<string, number>();
  return (text) =>
    text.replace(/([0-9a-f]{8})(x[0-9a-z]+)?(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g, (_, head: string, tag: string | undefined, tail: string) => {
      let n = seen.get(head + tail);
      if (n === undefined) seen.set(head + tail, (n = seen.size));
      return `<uuid ${n}>${tag ?? ''}`;
    });
}

function takeAll(replay: SessionReplay): string[] {
  const texts: string[] = [];
  while (!replay.done) texts.push(replay.take(NOW + texts.length * 250).text);
  return texts;
}

/** Every id a copy must not share with another: uuids, `msg_`-style ids and agent ids, each with what follows it. */
function idsIn(texts: string[]): Set<string> {
  const ids = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(UUIDS)) ids.add(m[0]);
    for (const m of text.matchAll(/\b(?:msg_|req_|toolu_|srvtoolu_)[A-Za-z0-9]+/g)) ids.add(m[0]);
    for (const m of text.matchAll(/(?:agent-|"agentId":")(?:a?[0-9a-f]{6,17}|acompact-[0-9a-f]{6})[A-Za-z0-9]*/g)) ids.add(m[0]);
  }
  return ids;
}

function scriptOf(texts: string[]): SessionScript {
  const lines: ScriptLine[] = texts.map((text, i) => ({ text, file: 0, type: 'user', uuid: null, sessionId: null, atMs: Date.UTC(2025, 0, 1) + i }));
  return { project: 'p', sessionId: '11111111-2222-4333-8444-555555555555', files: ['11111111-2222-4333-8444-555555555555.jsonl'], lines, messages: 0 };
}

describe('LineTemplate', () => {
  it('renders every line of the bundled transcripts as the regex passes do, with the same ids', () => {
    let lines = 0;
    scripts.forEach((script, s) => {
      const ids = new IdRenamer(`t${s}`);
      script.lines.forEach((line, i) => {
        const shift = NOW - line.atMs + i;
        const template = LineTemplate.of(line);
        expect(template, `${script.project}/${script.files[line.file]}, line ${i}`).not.toBeNull();
        // Either may hand out a line's fresh uuids first: the renamer keeps them for the other.
        if (i % 2) {
          const rendered = template?.render(ids, shift);
          expect(rendered).toBe(renderByPasses(line.text, ids, shift));
        } else {
          const expected = renderByPasses(line.text, ids, shift);
          expect(template?.render(ids, shift)).toBe(expected);
        }
        lines++;
      });
    });
    expect(lines).toBeGreaterThan(3000);
  });

  it('leaves to the passes a line whose ids touch, and a copy whose ids could make new ones', () => {
    const uuid = '0123abcd-0000-4000-8000-00000000beef';
    expect(LineTemplate.compile(`{"agentId":"${uuid}"}`)).toBeNull(); // an agent id made of a uuid's first part
    expect(LineTemplate.compile(`{"id":"msg_${uuid}"}`)).toBeNull();
    expect(LineTemplate.compile(`{"timestamp":"${uuid}"}`)).toBeNull();
    expect(LineTemplate.compile(`{"x":"${uuid}gent-abcdef1"}`)).toBeNull(); // a fresh uuid ending in `a` makes an agent id
    expect(LineTemplate.compile(`{"uuid":"${uuid}","agentId":"a1b2c3d","timestamp":"2025-01-01T00:00:00.000Z"}`)).not.toBeNull();
    expect(templatesApply('b7', [uuid])).toBe(true);
    expect(templatesApply('agent1', [])).toBe(false);
    expect(templatesApply('b7', ['debug_image_message-xb6'])).toBe(false);
  });
});

describe('SessionReplay', () => {
  it('takes each line as the regex passes write it, whichever way the line is rendered', () => {
    // Lines and copies only the passes render right, to check that they get them.
    const odd = scriptOf([
      `{"agentId":"0123abcd-0000-4000-8000-00000000beef","timestamp":"2025-01-01T00:00:00.000Z"}\n`,
      `{"id":"msg_0123abcd-0000-4000-8000-00000000beef","timestamp":"not a time"}\n`,
      `{"sessionId":"11111111-2222-4333-8444-555555555555","id":"msg_01abc-1234567"}\n`,
    ]);
    const cases: [SessionScript, ReplayOptions][] = [
      ...scripts.map((script, i): [SessionScript, ReplayOptions] => [script, { tag: `c${i}` }]),
      [scripts[0] as SessionScript, { tag: 'c1', sessionId: '99999999-8888-4777-8666-555555555555' }],
      [odd, { tag: 'c0' }],
      [odd, { tag: 'agent' }], // `msg_01abcxagent-1234567` has an agent id for the next pass
      [odd, { tag: 'c2', sessionId: 'agent-abcdef1' }], // and so has this session id
    ];
    for (const [script, options] of cases) {
      const taken = takeAll(new SessionReplay(script, options));
      const pinned = new Map<string, string>();
      if (options.sessionId) for (const id of [script.sessionId, ...script.lines.map((l) => l.sessionId)]) if (id) pinned.set(id, options.sessionId);
      const reference = new IdRenamer(options.tag, pinned);
      const expected = script.lines.map((line, i) => renderByPasses(line.text, reference, NOW + i * 250 - line.atMs));
      const [a, b] = [uuidsNumbered(), uuidsNumbered()];
      expect(taken.map(a)).toEqual(expected.map(b));
    }
  });

  it('gives two copies of one script no uuid, msg_/req_/toolu_ or agent id in common', () => {
    const seen = new Set<string>();
    for (const script of scripts) {
      const a = idsIn(takeAll(new SessionReplay(script, { tag: 'ka' })));
      const b = idsIn(takeAll(new SessionReplay(script, { tag: 'kb' })));
      expect([...a].filter((id) => b.has(id)), script.files[0]).toEqual([]);
      for (const id of a) seen.add(id);
    }
    // Not vacuous: the corpus has every kind of id.
    for (const kind of ['msg_', 'req_', 'toolu_', 'agent-', '"agentId":"']) expect([...seen].some((id) => id.startsWith(kind)), kind).toBe(true);
  });

  it('writes a pinned session id on every line, subagents and resumed sessions included', () => {
    const pinned = '99999999-8888-4777-8666-555555555555';
    let lines = 0;
    for (const script of scripts) {
      const replay = new SessionReplay(script, { tag: 'p1', sessionId: pinned });
      expect(replay.sessionId).toBe(pinned);
      for (const line of script.lines) {
        const taken = replay.take(NOW);
        if (line.sessionId !== null) expect(taken.sessionId).toBe(pinned);
        for (const m of taken.text.matchAll(/"sessionId":"([^"]*)"/g)) {
          expect(m[1]).toBe(pinned);
          lines++;
        }
      }
    }
    expect(lines).toBeGreaterThan(3000);
  });

  it('moves every timestamp by the gap from the line to the moment it is taken', () => {
    let moved = 0;
    for (const script of scripts) {
      const replay = new SessionReplay(script, { tag: 'm1' });
      script.lines.forEach((line, i) => {
        const nowMs = NOW + i * 1000;
        const before = [...line.text.matchAll(/"timestamp":"([^"]+)"/g)].map((m) => Date.parse(m[1] as string));
        const after = [...replay.take(nowMs).text.matchAll(/"timestamp":"([^"]+)"/g)].map((m) => Date.parse(m[1] as string));
        expect(after).toEqual(before.map((ms) => ms + nowMs - line.atMs));
        moved += before.length;
      });
    }
    expect(moved).toBeGreaterThan(3000);
  });
});
