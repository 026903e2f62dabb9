import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { clockListeners } from '../lib/clock';
import { board, session, sessionLive, T0 } from '../test/fixtures';
import { renderWithServices } from '../test/renderApp';
import { App } from './App';
import { navigate } from './router';

const routes = {
  '/api/v1/analytics/live-activity': board({ active_sessions: [session('s1')] }),
  '/api/v1/analytics/series': { minutes: 1, end: T0, messages: [1], cost: [0], tokens: [0] },
  '/api/v1/analytics/session/live': sessionLive('s1'),
  '/api/v1/analytics/stats/live': { session_id: 's1', ...sessionLive('s1').stats },
  '/api/v1/sessions/s1/messages': { messages: [], next_cursor: null },
  '/api/v1/sessions': { sessions: [], next_cursor: null },
  '/api/v1/projects': { projects: [] },
};

describe('App', () => {
  it('opens the channels a page needs and closes them when it goes: no socket, listener or timer left', async () => {
    const app = renderWithServices(<App />, routes);
    const paths = () => app.sockets.open().map((s) => s.path).sort();
    await screen.findByRole('heading', { name: 'Live activity' });
    expect(paths()).toEqual(['/ws/activity-stream', '/ws/metrics-updates']);
    await waitFor(() => expect(clockListeners()).toBeGreaterThan(0)); // session cards show "Xs ago"

    act(() => navigate('/sessions/s1'));
    await screen.findByRole('heading', { name: 'Session analytics' });
    // The activity stream stays for the alerts; the metrics go; the session's two channels come.
    expect(paths()).toEqual(['/ws/activity-stream', '/ws/session/s1', '/ws/stats/s1']);

    act(() => navigate('/projects'));
    await screen.findByRole('heading', { name: 'Projects' });
    expect(paths()).toEqual(['/ws/activity-stream']);
    expect(app.services.bindings.paths()).toEqual(['/ws/activity-stream']);

    act(() => navigate('/'));
    await screen.findByRole('heading', { name: 'Live activity' });
    expect(paths()).toEqual(['/ws/activity-stream', '/ws/metrics-updates']);

    app.unmount();
    expect(paths()).toEqual([]);
    expect(app.services.live.openChannels()).toEqual([]);
    expect(app.services.bindings.paths()).toEqual([]);
    expect(clockListeners()).toBe(0);
  });

  it('says Offline with the time of the last data when the server is gone, keeping what it showed', async () => {
    const app = renderWithServices(<App />, routes, { probe: async () => 'unreachable' });
    const socket = app.sockets.last('/ws/activity-stream');
    act(() => {
      socket.open();
      socket.receive({ type: 'snapshot', seq: 0, timestamp: T0, data: board({ active_sessions: [session('s1', { message_count: 41 })] }) });
    });
    await waitFor(() => expect(document.querySelector('.session-messages')?.textContent).toBe('41'));
    act(() => {
      socket.drop(1006);
      app.sockets.last('/ws/metrics-updates').drop(1006);
    });
    const status = await screen.findByText(/^Offline — as of \d\d:\d\d$/);
    expect(status.closest('.connection-status')?.getAttribute('data-state')).toBe('offline');
    expect(document.querySelector('.session-messages')?.textContent).toBe('41');
  });
});
