import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionLive, T0 } from '../../../test/fixtures';
import { renderWithServices } from '../../../test/renderApp';
import { useSessionChannels } from '../hooks/useSessionLive';
import { Conversation } from './Conversation';
import { SessionBreakdown } from './SessionBreakdown';

const agent = (agentId: string, totalCost: number) => ({ agentId, requests: 2, inputTokens: 10, outputTokens: 100, cacheCreationTokens: 1000, cacheReadTokens: 5000, totalCost });
const detail = {
  sessionId: 's1',
  projectPath: '/home/dev/shop-api',
  firstActivity: T0,
  lastActivity: T0,
  messageCount: 9,
  toolUseCount: 2,
  requests: 7,
  models: ['claude-haiku-4-5-20251001', 'claude-opus-4-7'],
  inputTokens: 40,
  outputTokens: 500,
  cacheCreationTokens: 4000,
  cacheReadTokens: 20000,
  totalCost: 5.45,
  unpricedModels: [],
  agents: [agent('a4ca7529859c15ff', 1.22), agent('a52886dc', 2.27)],
  status: 'ended',
  byModel: [
    { model: 'claude-opus-4-7', requests: 5, inputTokens: 30, outputTokens: 400, cacheCreationTokens: 3000, cacheReadTokens: 15000, totalCost: 5.4 },
    { model: 'claude-haiku-4-5-20251001', requests: 2, inputTokens: 10, outputTokens: 100, cacheCreationTokens: 1000, cacheReadTokens: 5000, totalCost: 0.05 },
  ],
};

const line = (uuid: string, o: Record<string, unknown>) => ({ uuid, parent_uuid: null, agent_id: '', type: 'user', author: 'user', timestamp: T0, preview: '', tool_names: [], is_sidechain: false, is_meta: false, model: null, content: null, ...o });

describe('SessionBreakdown', () => {
  it('splits tokens into input, output, cache write and cache read, and cost per model and per thread', async () => {
    renderWithServices(<SessionBreakdown sessionId="s1" />, { '/api/v1/sessions/s1': detail, '/api/v1/analytics/stats/live': { session_id: 's1', ...sessionLive('s1').stats } });
    await waitFor(() => expect(document.querySelector('.token-kind.cache-read dd')?.getAttribute('data-value')).toBe('20000'));
    const kinds = document.querySelector('.token-kinds') as HTMLElement;
    expect([...kinds.querySelectorAll('dd')].map((d) => d.getAttribute('data-value'))).toEqual(['40', '500', '4000', '20000']);
    const byModel = screen.getByRole('table', { name: 'By model' });
    expect(within(byModel).getAllByRole('row').slice(1).map((r) => r.getAttribute('data-part'))).toEqual(['claude-opus-4-7', 'claude-haiku-4-5-20251001']);
    const byThread = screen.getByRole('table', { name: /By thread \(2 subagents\)/ });
    const cost = (part: string) => byThread.querySelector(`tr[data-part="${part}"] .breakdown-cost`)?.getAttribute('data-value');
    expect([cost(''), cost('a52886dc'), cost('a4ca7529859c15ff')].map(Number)).toEqual([1.96, 2.27, 1.22].map((n) => expect.closeTo(n, 9) as unknown as number));
    expect(within(byThread).getAllByRole('row').slice(1).map((r) => r.getAttribute('data-part'))).toEqual(['', 'a52886dc', 'a4ca7529859c15ff']); // main thread, then by cost
  });
});

/** The conversation with its session's live channels bound, as SessionPage has it. */
function LiveConversation() {
  useSessionChannels('s1');
  return <Conversation sessionId="s1" />;
}

describe('SessionBreakdown, live', () => {
  it('reads the split again when the live cost moves', async () => {
    let body = detail;
    function Live() {
      useSessionChannels('s1');
      return <SessionBreakdown sessionId="s1" />;
    }
    const app = renderWithServices(<Live />, {
      '/api/v1/sessions/s1': () => body,
      '/api/v1/analytics/session/live': sessionLive('s1', { recent_messages: [] }),
      '/api/v1/analytics/stats/live': { session_id: 's1', ...sessionLive('s1').stats },
    });
    const opus = () => document.querySelector('tr[data-part="claude-opus-4-7"] .breakdown-cost')?.getAttribute('data-value');
    await waitFor(() => expect(opus()).toBe('5.4'));
    body = { ...detail, totalCost: 6.45, byModel: [{ ...detail.byModel[0]!, totalCost: 6.4 }, detail.byModel[1]!] };
    const stats = app.sockets.last('/ws/stats/s1');
    act(() => {
      stats.open();
      stats.receive({ type: 'stat_update', seq: 1, stat_type: 'cost', session_id: 's1', timestamp: T0, update: { new_value: 6.45, formatted_value: '$6.45', delta: 1, animation: 'increment' } });
    });
    await waitFor(() => expect(opus()).toBe('6.4'), { timeout: 4000 });
  });
});

describe('Conversation', () => {
  it('shows commands and their output as labelled blocks, one group per subagent with its cost, and follows new lines', async () => {
    let messages = [
      line('c1', { content: { role: 'user', content: '<command-name>/model</command-name><command-message>model</command-message><command-args>opus</command-args>' } }),
      line('c2', { content: { role: 'user', content: '<local-command-stdout>Kept model as \u001b[1mopusplan\u001b[22m</local-command-stdout>' } }),
      line('c3', { agent_id: 'a52886dc', preview: 'Research plan mode', content: { role: 'user', content: 'Research plan mode' } }),
      line('c4', { type: 'assistant', author: 'assistant', preview: 'On it' }),
      line('c5', { agent_id: 'a52886dc', type: 'assistant', author: 'assistant', preview: 'Found it' }),
    ];
    const app = renderWithServices(<LiveConversation />, {
      '/api/v1/sessions/s1': detail,
      '/api/v1/analytics/session/live': sessionLive('s1', { recent_messages: [] }),
      '/api/v1/sessions/s1/messages': () => ({ messages, next_cursor: null }),
    });
    const command = await screen.findByText('/model');
    expect(command.closest('.block-command')?.textContent).toBe('Command /modelopus');
    const output = document.querySelector('.block-tagged.tag-local-command-stdout') as HTMLElement;
    expect(output.textContent).toContain('Kept model as opusplan');
    expect(output.textContent).not.toContain('\u001b');
    const runs = document.querySelectorAll('.agent-run');
    expect(runs).toHaveLength(1);
    await waitFor(() => expect(runs[0]?.querySelector('summary')?.textContent).toMatch(/Subagent a52886dc Research plan mode.*2 lines.*\$2\.27/));

    // A new line on the session's socket: the conversation reads its last page again.
    messages = [...messages, line('c6', { type: 'assistant', author: 'assistant', preview: 'Done', content: { role: 'assistant', content: [{ type: 'text', text: 'All done' }] } })];
    const socket = app.sockets.last('/ws/session/s1');
    act(() => {
      socket.open();
      socket.receive({ type: 'snapshot', seq: 1, data: sessionLive('s1', { recent_messages: [] }) });
      socket.receive({ type: 'new_message', seq: 2, session_id: 's1', message: { uuid: 'c6', author: 'assistant', timestamp: T0, preview: 'Done' } });
    });
    await screen.findByText('All done');
  });
});
