import type { ConversationMessage } from '@claudelens/protocol';
import { describe, expect, it } from 'vitest';
import { groupRuns, messageBlocks } from './conversationBlocks';

const line = (uuid: string, over: Partial<ConversationMessage> = {}): ConversationMessage => ({
  uuid,
  parent_uuid: null,
  agent_id: '',
  type: 'assistant',
  author: 'assistant',
  timestamp: '2026-11-21T14:37:50.432Z',
  preview: '',
  tool_names: [],
  is_sidechain: false,
  is_meta: false,
  model: null,
  content: null,
  ...over,
});

describe('messageBlocks', () => {
  it('reads text, thinking, tool calls and tool results', () => {
    const blocks = messageBlocks(
      line('a', {
        content: {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm' },
            { type: 'text', text: 'Here.' },
            { type: 'tool_use', id: 't', name: 'Edit', input: { file_path: 'a.ts' } },
          ],
        },
      }),
    );
    expect(blocks.map((b) => b.kind)).toEqual(['thinking', 'text', 'tool_use']);
    expect(blocks[2]).toMatchObject({ name: 'Edit' });
    const result = messageBlocks(line('b', { author: 'tool', content: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'failed' }], is_error: true }] } }));
    expect(result).toEqual([{ kind: 'tool_result', text: 'failed', isError: true }]);
  });

  it('takes a plain string, and falls back to the preview when the line has no message', () => {
    expect(messageBlocks(line('a', { content: { role: 'user', content: 'hello' } }))).toEqual([{ kind: 'text', text: 'hello' }]);
    expect(messageBlocks(line('b', { type: 'system', preview: 'compacted' }))).toEqual([{ kind: 'text', text: 'compacted' }]);
  });
});

describe('groupRuns', () => {
  it('folds every line of one subagent into one group where it starts, however its lines interleave', () => {
    const items = groupRuns([line('1'), line('2', { agent_id: 'a1' }), line('3', { agent_id: 'a2' }), line('4', { agent_id: 'a1' }), line('5'), line('6', { agent_id: 'a1' }), line('7', { agent_id: 'a2' })]);
    expect(items.map((i) => (i.kind === 'agent' ? `${i.agentId}:${i.messages.map((m) => m.uuid).join('')}` : i.message.uuid))).toEqual(['1', 'a1:246', 'a2:37', '5']);
  });
});
