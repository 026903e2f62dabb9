import { describe, expect, it } from 'vitest';
import { normaliseLine } from './normalise.js';

const at = { byteOffset: 0, byteLength: 1, lineNo: 1 };
const main = { agentId: null };
const base = { uuid: 'u1', sessionId: 's1', timestamp: '2026-01-02T03:04:05.678Z', cwd: '/p' };
const usage = { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

describe('normaliseLine', () => {
  it('reads a typed prompt (string content) as a user message', () => {
    const { entry, problems } = normaliseLine({ ...base, type: 'user', message: { role: 'user', content: 'Fix  the\nbug' } }, main, at);
    expect(problems).toEqual([]);
    expect(entry).toMatchObject({ lineType: 'user', author: 'user', preview: 'Fix the bug', sessionId: 's1', cwd: '/p', request: null });
  });

  it('reads a tool result as authored by the tool, with its text as preview', () => {
    const content = [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'file contents' }], is_error: true }];
    const { entry } = normaliseLine({ ...base, type: 'user', message: { role: 'user', content } }, main, at);
    expect(entry).toMatchObject({ author: 'tool', preview: 'file contents', toolResults: [{ toolUseId: 'toolu_1', isError: true }] });
  });

  it('reads an assistant tool call with its request key, model and usage', () => {
    const line = {
      ...base,
      type: 'assistant',
      requestId: 'req_1',
      message: { id: 'msg_1', model: 'claude-opus-4-7', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }], usage },
    };
    const { entry } = normaliseLine(line, main, at);
    expect(entry).toMatchObject({ author: 'assistant', model: 'claude-opus-4-7', preview: '→ Bash', toolUses: [{ id: 'toolu_1', name: 'Bash' }] });
    expect(entry?.request).toMatchObject({ messageId: 'msg_1', requestId: 'req_1', model: 'claude-opus-4-7', usage: { input: 1, output: 2 } });
  });

  it('reads both halves of a subagent link: the Task/Agent call\'s type, the result\'s agent id (docs/usage.md)', () => {
    const call = (name: string) => ({ ...base, type: 'assistant', requestId: 'req_1', message: { id: 'msg_1', model: 'm', usage, content: [{ type: 'tool_use', id: 'toolu_9', name, input: { subagent_type: 'Explore', prompt: 'look' } }] } });
    expect(normaliseLine(call('Task'), main, at).entry?.subagentLinks).toEqual([{ toolUseId: 'toolu_9', subagentType: 'Explore', agentId: null }]);
    expect(normaliseLine(call('Agent'), main, at).entry?.subagentLinks).toEqual([{ toolUseId: 'toolu_9', subagentType: 'Explore', agentId: null }]);
    expect(normaliseLine(call('Bash'), main, at).entry?.subagentLinks).toBeUndefined();
    const result = (toolUseResult: unknown) => ({ ...base, type: 'user', toolUseResult, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'done' }] } });
    expect(normaliseLine(result({ agentId: 'a1b2', content: [] }), main, at).entry?.subagentLinks).toEqual([{ toolUseId: 'toolu_9', subagentType: null, agentId: 'a1b2' }]);
    expect(normaliseLine(result({ agentId: 'a1b2', agentType: 'Plan' }), main, at).entry?.subagentLinks).toEqual([{ toolUseId: 'toolu_9', subagentType: 'Plan', agentId: 'a1b2' }]);
    expect(normaliseLine(result('Error: no agent'), main, at).entry?.subagentLinks).toBeUndefined();
  });

  it('never prices API-error or <synthetic> lines', () => {
    const error = { ...base, type: 'assistant', isApiErrorMessage: true, requestId: 'r', message: { id: 'm', model: 'claude-opus-4-7', content: [{ type: 'text', text: 'API Error: 529' }], usage } };
    const synthetic = { ...base, type: 'assistant', message: { id: 'm2', model: '<synthetic>', content: [], usage } };
    expect(normaliseLine(error, main, at).entry?.request).toBeNull();
    expect(normaliseLine(synthetic, main, at).entry?.request).toBeNull();
  });

  it('takes the agent from the line, else from the file name, else marks inline sidechains', () => {
    expect(normaliseLine({ ...base, type: 'user', agentId: 'a1', message: { content: 'x' } }, { agentId: 'f1' }, at).entry?.agentId).toBe('a1');
    expect(normaliseLine({ ...base, type: 'user', message: { content: 'x' } }, { agentId: 'f1' }, at).entry?.agentId).toBe('f1');
    expect(normaliseLine({ ...base, type: 'user', isSidechain: true, message: { content: 'x' } }, main, at).entry?.agentId).toBe('sidechain');
    expect(normaliseLine({ ...base, type: 'user', message: { content: 'x' } }, main, at).entry?.agentId).toBe('');
  });

  it('keeps progress lines but never reads the usage nested in them', () => {
    const progress = { ...base, type: 'progress', data: { type: 'agent_progress', message: { type: 'assistant', message: { id: 'm', usage } } } };
    const { entry, problems } = normaliseLine(progress, main, at);
    expect(problems).toEqual([]);
    expect(entry).toMatchObject({ lineType: 'progress', request: null, author: null });
  });

  it.each(['summary', 'file-history-snapshot', 'queue-operation', 'attachment', 'permission-mode', 'last-prompt', 'system'])('knows the %s line type', (type) => {
    expect(normaliseLine({ type }, main, at).problems).toEqual([]);
  });

  it('keeps a line of a type that does not exist yet, and counts it as unknown', () => {
    const { entry, problems } = normaliseLine({ ...base, type: 'hologram' }, main, at);
    expect(entry?.lineType).toBe('hologram');
    expect(problems).toEqual([{ kind: 'unknown-line-type', detail: 'type "hologram"' }]);
  });

  it('reports a line that is JSON but not an object, a missing message, a bad timestamp and bad usage', () => {
    expect(normaliseLine([1, 2], main, at)).toMatchObject({ entry: null, problems: [{ kind: 'not-an-object' }] });
    expect(normaliseLine({ ...base, type: 'assistant' }, main, at).problems).toEqual([{ kind: 'missing-message', detail: 'assistant line without a message object' }]);
    expect(normaliseLine({ ...base, timestamp: 'yesterday', type: 'user', message: { content: 'x' } }, main, at)).toMatchObject({
      entry: { timestamp: null },
      problems: [{ kind: 'bad-timestamp' }],
    });
    const bad = normaliseLine({ ...base, type: 'assistant', requestId: 'r', message: { id: 'm', model: 'x', content: [], usage: { ...usage, output_tokens: -3 } } }, main, at);
    expect(bad.entry?.request).toBeNull();
    expect(bad.problems).toEqual([{ kind: 'usage-rejected', detail: 'output_tokens = -3' }]);
  });

  it('normalises a timestamp with an offset to UTC', () => {
    expect(normaliseLine({ ...base, timestamp: '2026-01-02T05:04:05+02:00', type: 'system' }, main, at).entry?.timestamp).toBe('2026-01-02T03:04:05.000Z');
  });

  it('clips long previews', () => {
    const { entry } = normaliseLine({ ...base, type: 'user', message: { content: 'x'.repeat(10_000) } }, main, at);
    expect(entry?.preview.length).toBe(240);
  });

  it('puts a preview on one line: every run of whitespace one space, none at either end', () => {
    const preview = (content: string) => normaliseLine({ ...base, type: 'user', message: { content } }, main, at).entry?.preview;
    const cases = ['one line already', ' lead', 'trail ', 'two  spaces', 'tab\there', 'line\nbreak', 'crlf\r\n', 'nbsp\u00a0here', 'ideographic\u3000space', '\n\t', 'a'];
    for (const text of cases) expect(preview(text)).toBe(text.replace(/\s+/g, ' ').trim());
    expect(preview('one line already')).toBe('one line already');
  });
});
