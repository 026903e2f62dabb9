import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_HOME } from '../../test/helpers.js';
import { parseChunk } from './parseChunk.js';
import { normaliseLine } from './normalise.js';
import { LONG_STRING, skimLine } from './skim.js';

const main = { agentId: null };
const line = (o: object) => `${JSON.stringify(o)}\n`;
const user = (uuid: string) => line({ type: 'user', uuid, sessionId: 's', message: { content: uuid } });

describe('parseChunk', () => {
  it('parses whole lines with their byte offsets and line numbers', () => {
    const buf = Buffer.from(user('a') + user('bé'));
    const out = parseChunk(buf, 100, 7, main, false);
    expect(out.entries.map((e) => [e.uuid, e.byteOffset, e.lineNo])).toEqual([
      ['a', 100, 8],
      ['bé', 100 + Buffer.byteLength(user('a')), 9],
    ]);
    expect(out.consumedBytes).toBe(buf.length);
    expect(out.consumedLines).toBe(2);
  });

  it('leaves a half-written last line for later without calling it a problem', () => {
    const buf = Buffer.from(user('a') + '{"type":"user","uu');
    const out = parseChunk(buf, 0, 0, main, true);
    expect(out.entries.map((e) => e.uuid)).toEqual(['a']);
    expect(out.problems).toEqual([]);
    expect(out.consumedBytes).toBe(Buffer.byteLength(user('a')));
  });

  it('reads a complete last line that lacks its newline, without marking it consumed', () => {
    const buf = Buffer.from(user('a') + user('b').trimEnd());
    const out = parseChunk(buf, 0, 0, main, true);
    expect(out.entries.map((e) => e.uuid)).toEqual(['a', 'b']);
    expect(out.consumedLines).toBe(1);
  });

  it('reports truncated JSON with its line and goes on', () => {
    const buf = Buffer.from(`${user('a')}{"type":"user",\n${user('c')}`);
    const out = parseChunk(buf, 0, 0, main, false);
    expect(out.entries.map((e) => e.uuid)).toEqual(['a', 'c']);
    expect(out.problems).toMatchObject([{ kind: 'invalid-json', lineNo: 2 }]);
  });

  it('skips blank lines and accepts CRLF', () => {
    const out = parseChunk(Buffer.from(`\n  \n${user('a').trimEnd()}\r\n`), 0, 0, main, false);
    expect(out.entries.map((e) => e.uuid)).toEqual(['a']);
    expect(out.problems).toEqual([]);
  });

  it('replaces invalid UTF-8 and reports it', () => {
    const buf = Buffer.concat([Buffer.from('{"type":"user","uuid":"a","sessionId":"s","message":{"content":"x'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}\n')]);
    const out = parseChunk(buf, 0, 0, main, false);
    expect(out.entries[0]?.preview).toBe('x\uFFFD\uFFFD');
    expect(out.problems).toMatchObject([{ kind: 'invalid-utf8', lineNo: 1 }]);
  });

  it('survives deeply nested JSON', () => {
    const deep = `{"type":"user","uuid":"d","sessionId":"s","message":{"content":${'['.repeat(100_000)}${']'.repeat(100_000)}}}\n`;
    const out = parseChunk(Buffer.from(deep), 0, 0, main, false);
    expect(out.entries.map((e) => e.uuid)).toEqual(['d']);
  });
});

describe('skimLine', () => {
  it('gives the same entry as a full parse on every large fixture line', () => {
    let count = 0;
    const files = fs.readdirSync(path.join(FIXTURE_HOME, 'projects'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'));
    for (const file of files) {
      const text = fs.readFileSync(path.join(FIXTURE_HOME, 'projects', file));
      let start = 0;
      while (start < text.length) {
        const end = text.indexOf(10, start);
        const skimmed = end - start >= LONG_STRING ? skimLine(text, start, end) : null;
        if (skimmed !== null) {
          const at = { byteOffset: start, byteLength: end - start + 1, lineNo: 1 };
          const full = normaliseLine(JSON.parse(text.toString('utf8', start, end)), main, at);
          expect(normaliseLine(JSON.parse(skimmed), main, at), `${file} at ${start}`).toEqual(full);
          count++;
        }
        start = end + 1;
      }
    }
    expect(count).toBeGreaterThan(400);
  });

  it('cuts toolUseResult wherever it is, keeps the head of long strings, and leaves the rest to a full parse', () => {
    const last = Buffer.from('{"type":"user","toolUseResult":{"a":"}\\"x\\\\"}}');
    expect(JSON.parse(skimLine(last, 0, last.length) ?? 'null')).toEqual({ type: 'user' });
    const middle = Buffer.from('{"a":1, "toolUseResult" : [1,{"b":"]"}] ,"c":2}');
    expect(JSON.parse(skimLine(middle, 0, middle.length) ?? 'null')).toEqual({ a: 1, c: 2 });
    // 3,000 escaped newlines: the cut must not split one, nor the two bytes of "é".
    const long = Buffer.from(JSON.stringify({ text: `é${'\n'.repeat(3000)}`, uuid: 'u' }));
    const parsed = JSON.parse(skimLine(long, 0, long.length) ?? 'null') as { text: string; uuid: string };
    expect(parsed.uuid).toBe('u');
    expect(parsed.text.startsWith('é\n\n')).toBe(true);
    expect(parsed.text.length).toBeLessThan(2000);
    const small = Buffer.from('{"type":"user"}');
    expect(skimLine(small, 0, small.length)).toBeNull();
    const broken = Buffer.from('{"type":"user","toolUseResult":{"a":');
    expect(skimLine(broken, 0, broken.length)).toBeNull();
  });

  it("keeps a subagent result's agentId and agentType, and no key that only a string mentions", () => {
    const result = { status: 'completed', content: [{ type: 'text', text: 'said "agentId":"fake" in prose' }], agentId: 'a4ca75', agentType: 'Explore', usage: { output_tokens: 3 } };
    const line = Buffer.from(JSON.stringify({ type: 'user', toolUseResult: result, uuid: 'u' }));
    expect(JSON.parse(skimLine(line, 0, line.length) ?? 'null')).toEqual({ type: 'user', toolUseResult: { agentId: 'a4ca75', agentType: 'Explore' }, uuid: 'u' });
    const noType = Buffer.from(JSON.stringify({ type: 'user', toolUseResult: { content: 'x "agentType":"y"', agentId: 'c8d9' } }));
    expect(JSON.parse(skimLine(noType, 0, noType.length) ?? 'null')).toEqual({ type: 'user', toolUseResult: { agentId: 'c8d9' } });
  });
});
