import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { board, feedItem, session, T0 } from '../../test/fixtures';
import { renderWithServices } from '../../test/renderApp';
import { LivePage } from './LivePage';

const series = { minutes: 3, end: T0, messages: [0, 2, 5], cost: [0, 0.01, 0.02], tokens: [0, 100, 900] };

function message(seq: number, over: Record<string, unknown> = {}) {
  return {
    type: 'new_message',
    seq,
    timestamp: new Date(Date.parse(T0) + seq * 1000).toISOString(),
    data: { session_id: 's1', project: '/home/dev/shop-api', message_type: 'user', cost: 0, uuid: `m${seq}`, summary: `message ${seq}`, ...over },
  };
}

async function renderLive() {
  const initial = board({
    active_sessions: [session('s1', { message_count: 7 }), session('s2', { project: '/home/dev/web', status: 'thinking' })],
    recent_activity: [feedItem('f2', { summary: 'second', timestamp: '2026-11-21T14:37:49.500Z' }), feedItem('f1', { summary: 'first' })],
  });
  const app = renderWithServices(<LivePage />, { '/api/v1/analytics/live-activity': initial, '/api/v1/analytics/series': series });
  const activity = app.sockets.last('/ws/activity-stream');
  act(() => {
    activity.open();
    activity.receive({ type: 'snapshot', seq: 0, timestamp: T0, data: initial });
    app.sockets.last('/ws/metrics-updates').open();
  });
  await screen.findByText('second');
  return { ...app, activity };
}

describe('LivePage', () => {
  it('shows metrics, sparklines, the session grid and the feed, and applies new events', async () => {
    const { activity, sockets } = await renderLive();
    const grid = screen.getByRole('region', { name: /Active sessions/ });
    const card = within(grid).getAllByRole('link').find((a) => a.getAttribute('data-session') === 's1');
    expect(card?.querySelector('.session-messages')?.textContent).toBe('7');
    expect(screen.getByRole('img', { name: /Messages per minute over the last hour/ }).getAttribute('data-points')).toBe('3');

    act(() => {
      activity.receive(message(1, { message_type: 'assistant', tool: 'Edit', summary: '→ Edit', cost: 0.5 }));
      sockets.last('/ws/metrics-updates').receive({ type: 'metric_update', seq: 0, timestamp: T0, data: { metric_updates: { active_sessions: 2, messages_per_minute: 42, current_cost_rate: 3, cost_per_hour_rate: 11.25, active_projects: ['/home/dev/shop-api', '/home/dev/web'] } } });
    });
    await screen.findByText('→ Edit');
    await waitFor(() => expect(card?.querySelector('.session-messages')?.textContent).toBe('8'));
    expect(card?.querySelector('.session-cost')?.textContent).toBe('$0.52');
    await waitFor(() => expect(document.querySelector('.messages-rate .stat-value')?.getAttribute('data-value')).toBe('42'));
    // Every card follows the socket, the last hour's cost and the projects too (they kept the first load's values).
    await waitFor(() => expect(document.querySelector('[data-testid="live-cost-last-hour"] .stat-value')?.getAttribute('data-value')).toBe('11.25'));
    expect(document.querySelector('[data-testid="live-active-projects"]')?.getAttribute('data-value')).toBe('/home/dev/shop-api\n/home/dev/web');
    const row = document.querySelector('[data-key="s1|m1"]');
    expect(row?.className).toContain('type-tool_use');
  });

  it('filters the feed by type and by tool', async () => {
    const { activity } = await renderLive();
    act(() => {
      activity.receive(message(1, { message_type: 'assistant', tool: 'Bash', summary: 'ran bash' }));
      activity.receive(message(2, { message_type: 'tool', summary: 'bash output' }));
    });
    await screen.findByText('bash output');
    act(() => screen.getByLabelText('Type').focus()); // the menus read the feed when the reader goes to them
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'tool_use' } });
    expect(screen.queryByText('bash output')).toBeNull();
    expect(screen.getByText('ran bash')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: '' } });
    act(() => screen.getByLabelText('Tool').focus());
    fireEvent.change(screen.getByLabelText('Tool'), { target: { value: 'Bash' } });
    expect(screen.queryByText('second')).toBeNull();
    expect(screen.getByText('ran bash')).toBeTruthy();
  });

  it('pauses while hovered, counts what came meanwhile, and jumps back to the newest', async () => {
    const { activity } = await renderLive();
    const list = screen.getByRole('list', { name: /Activity feed/ });
    fireEvent.mouseEnter(list);
    await screen.findByText('Paused');
    act(() => {
      activity.receive(message(1));
      activity.receive(message(2));
    });
    const jump = await screen.findByRole('button', { name: '2 new ↓' });
    fireEvent.mouseLeave(list);
    fireEvent.mouseEnter(list);
    act(() => activity.receive(message(3)));
    await screen.findByRole('button', { name: '3 new ↓' });
    fireEvent.click(screen.getByRole('button', { name: /new ↓/ }));
    await waitFor(() => expect(screen.queryByRole('button', { name: /new ↓/ })).toBeNull());
    expect(jump).toBeTruthy();
    expect(screen.getByText('Following')).toBeTruthy();
  });
});
