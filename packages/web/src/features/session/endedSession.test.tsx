import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionLive } from '../../test/fixtures';
import { renderWithServices } from '../../test/renderApp';
import { SessionPage } from './SessionPage';

// Issue 22 item 5: a session that ended months ago is not shown as live.

const MONTHS_AGO = '2026-04-18T15:09:30.093Z';
const ended = sessionLive('s1', { status: 'ended', last_activity: MONTHS_AGO, recent_messages: [{ uuid: 'r1', author: 'user', timestamp: MONTHS_AGO, preview: 'old prompt' }] });
const routes = {
  '/api/v1/analytics/session/live': ended,
  '/api/v1/analytics/stats/live': { session_id: 's1', ...ended.stats },
  '/api/v1/sessions/s1/messages': { messages: [], next_cursor: null },
  '/api/v1/sessions': { sessions: [], next_cursor: null },
};

describe('an ended session', () => {
  it('shows its recent messages and "Ended", not "Live messages" and a Live badge, even with its sockets connected', async () => {
    const app = renderWithServices(<SessionPage sessionId="s1" />, routes);
    await screen.findByText('old prompt');
    act(() => {
      app.sockets.last('/ws/stats/s1').open();
      app.sockets.last('/ws/session/s1').open();
    });
    expect(screen.getByRole('heading', { name: /Recent messages/ })).toBeTruthy();
    expect(screen.queryByText(/Live messages/)).toBeNull();
    const badge = screen.getByRole('status');
    expect(badge.getAttribute('data-state')).toBe('ended');
    expect(badge.textContent).toMatch(/^Ended · last activity 2026-04-18 \d\d:\d\d$/);
  });

  it('is live again when it comes back', async () => {
    const app = renderWithServices(<SessionPage sessionId="s1" />, routes);
    await screen.findByText('old prompt');
    const live = app.sockets.last('/ws/session/s1');
    act(() => {
      app.sockets.last('/ws/stats/s1').open();
      live.open();
      live.receive({ type: 'snapshot', seq: 0, data: ended });
      live.receive({ type: 'session_update', seq: 1, session_id: 's1', timestamp: new Date().toISOString(), status: 'thinking', previous_status: 'ended' });
    });
    await waitFor(() => expect(screen.getByRole('heading', { name: /Live messages/ })).toBeTruthy());
    expect(screen.getByRole('status').getAttribute('data-state')).not.toBe('ended'); // the connection's own state again
  });
});
