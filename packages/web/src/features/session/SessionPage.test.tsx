import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionLive, T0 } from '../../test/fixtures';
import { renderWithServices } from '../../test/renderApp';
import { SessionPage } from './SessionPage';

const summary = (id: string, project: string, lastActivity: string) => ({
  sessionId: id,
  projectPath: project,
  firstActivity: T0,
  lastActivity,
  messageCount: 3,
  toolUseCount: 1,
  requests: 1,
  models: [],
  inputTokens: 1,
  outputTokens: 1,
  cacheCreationTokens: 0,
  cacheReadTokens: 0,
  totalCost: 0.01,
  unpricedModels: [],
  agents: [],
  status: 'ended',
});

const routes = {
  '/api/v1/analytics/session/live': sessionLive('s1', { recent_messages: [{ uuid: 'r1', author: 'user', timestamp: T0, preview: 'Add a /health endpoint' }] }),
  '/api/v1/analytics/stats/live': { session_id: 's1', ...sessionLive('s1').stats },
  '/api/v1/sessions/s1/messages': {
    messages: [
      { uuid: 'c1', parent_uuid: null, agent_id: '', type: 'user', author: 'user', timestamp: T0, preview: 'Add a /health endpoint', tool_names: [], is_sidechain: false, is_meta: false, model: null, content: { role: 'user', content: 'Add a /health endpoint' } },
      {
        uuid: 'c2',
        parent_uuid: 'c1',
        agent_id: '',
        type: 'assistant',
        author: 'assistant',
        timestamp: T0,
        preview: '→ Edit',
        tool_names: ['Edit'],
        is_sidechain: false,
        is_meta: false,
        model: 'claude-sonnet-4-5-20250929',
        content: { role: 'assistant', content: [{ type: 'thinking', thinking: 'secret plan' }, { type: 'tool_use', id: 't1', name: 'Edit', input: { file_path: 'src/health.ts' } }] },
      },
      { uuid: 'c3', parent_uuid: 'c2', agent_id: 'a22', type: 'assistant', author: 'assistant', timestamp: T0, preview: 'sub', tool_names: [], is_sidechain: true, is_meta: false, model: null, content: { role: 'assistant', content: [{ type: 'text', text: 'subagent says hi' }] } },
    ],
    next_cursor: null,
  },
  '/api/v1/sessions': { sessions: [summary('s1', '/home/dev/shop-api', T0), summary('s2', '/home/dev/web', '2026-11-20T10:00:00.000Z')], next_cursor: null },
};

describe('SessionPage', () => {
  it('shows the stat cards, the live feed and the conversation, and animates a stat update', async () => {
    const app = renderWithServices(<SessionPage sessionId="s1" />, routes);
    await screen.findByText('secret plan', { selector: '.block-text' });
    expect(screen.getByText('subagent says hi').closest('details')?.querySelector('summary')?.textContent).toContain('a22');
    expect(document.querySelector('.block-thinking')?.hasAttribute('open')).toBe(false);
    await waitFor(() => expect(document.querySelector('.stat-card.tokens .stat-value')?.textContent).toBe('16K'));

    const stats = app.sockets.last('/ws/stats/s1');
    const live = app.sockets.last('/ws/session/s1');
    act(() => {
      stats.open();
      live.open();
      stats.receive({ type: 'stat_update', seq: 1, stat_type: 'tokens', session_id: 's1', timestamp: T0, update: { new_value: 33586, formatted_value: '33.6K', delta: 17541, animation: 'increment' } });
      live.receive({ type: 'new_message', seq: 1, session_id: 's1', message: { uuid: 'n1', author: 'assistant', timestamp: '2026-11-21T14:40:00.000Z', preview: '→ Edit', tool_used: 'Edit' } });
    });
    const value = () => document.querySelector('.stat-card.tokens .stat-value');
    await waitFor(() => expect(value()?.className).toContain('updating'));
    await waitFor(() => expect(value()?.textContent).toBe('33.6K'));
    const row = await waitFor(() => {
      const li = document.querySelector('[data-uuid="n1"]');
      if (!li) throw new Error('not yet');
      return li;
    });
    expect(row.querySelector('.tool-badge')?.textContent).toBe('Edit');
    expect(screen.getByRole('status').textContent).toBe('Live');
  });

  it('finds a session by project in the selector and opens it', async () => {
    renderWithServices(<SessionPage sessionId="s1" />, routes);
    const input = screen.getByRole('combobox');
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: 'web' } });
    const option = await screen.findByRole('option', { name: /web/ });
    expect(screen.getAllByRole('option')).toHaveLength(1);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(window.location.pathname).toBe('/sessions/s2');
    expect(option).toBeTruthy();
  });
});
