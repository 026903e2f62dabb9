import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { alert, T0 } from '../../../test/fixtures';
import { renderWithServices } from '../../../test/renderApp';
import { AlertNotifications } from './AlertNotifications';

describe('AlertNotifications', () => {
  it('toasts an alert that fires, acknowledges it with a POST, and lists it under the bell', async () => {
    const old = alert('old', { message: 'an old alert', acknowledged: true });
    const fired = alert('a1', { message: 'session 5e55a0e1 has cost $0.02' });
    const app = renderWithServices(<AlertNotifications />, {
      '/api/v1/alerts': { alerts: [old] },
      'POST /api/v1/alerts/a1/ack': { ...fired, acknowledged: true },
    });
    await waitFor(() => expect(app.services.queryClient.getQueryState(['alerts'])?.status).toBe('success'));
    expect(screen.queryByText('an old alert')).toBeNull(); // no toast for what was there before
    const socket = app.sockets.last('/ws/activity-stream');
    act(() => {
      socket.open();
      socket.receive({ type: 'alert_triggered', seq: 1, timestamp: T0, data: { session_id: 's1', alert: fired } });
    });
    const toast = await screen.findByRole('status', { name: '' });
    expect(toast.textContent).toContain('session 5e55a0e1 has cost $0.02');
    expect(screen.getByRole('button', { name: /Alerts,/ }).textContent).toContain('1');

    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(app.calls).toContain('POST /api/v1/alerts/a1/ack'));
    await waitFor(() => expect(screen.queryByText('session 5e55a0e1 has cost $0.02')).toBeNull());

    fireEvent.click(screen.getByRole('button', { name: /Alerts,/ }));
    const panel = screen.getByRole('dialog', { name: 'Alerts' });
    expect(panel.textContent).toContain('an old alert');
    expect(panel.textContent).toContain('acknowledged');
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('dismisses a warning by itself after a while; a critical one stays, folded to a chip that opens again', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const app = renderWithServices(<AlertNotifications />, { '/api/v1/alerts': { alerts: [] } });
      await vi.waitFor(() => expect(app.services.queryClient.getQueryState(['alerts'])?.status).toBe('success'));
      const socket = app.sockets.last('/ws/activity-stream');
      act(() => {
        socket.open();
        socket.receive({ type: 'alert_triggered', seq: 1, timestamp: T0, data: { session_id: 's1', alert: alert('w', { message: 'a warning' }) } });
        socket.receive({ type: 'alert_triggered', seq: 2, timestamp: T0, data: { session_id: 's1', alert: alert('c', { message: 'a loop', severity: 'critical' }) } });
      });
      await screen.findByText('a warning');
      await act(() => vi.advanceTimersByTimeAsync(11_000));
      expect(screen.queryByText('a warning')).toBeNull();
      expect(screen.queryByRole('alert')).toBeNull(); // folded: no longer over the page
      fireEvent.click(screen.getByRole('button', { name: 'Show alert: a loop' }));
      expect(screen.getByRole('alert').textContent).toContain('a loop');
      fireEvent.click(screen.getByRole('button', { name: 'Collapse' }));
      expect(screen.queryByRole('alert')).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: 'Show alert: a loop' }));
      fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
      expect(screen.queryByText('a loop')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
