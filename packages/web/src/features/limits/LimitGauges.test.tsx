import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LimitWindow, UsageLimits } from '@claudelens/protocol';
import { renderWithServices } from '../../test/renderApp';
import { LimitGauges } from './LimitGauges';

const HOUR = 3600_000;
const window = (used: number, over: Partial<LimitWindow> = {}): LimitWindow => ({
  used_percentage: used,
  resets_at: new Date(Date.now() + 2 * HOUR).toISOString(),
  observed_at: new Date().toISOString(),
  window_seconds: 18000,
  pace: { state: used / 100 > 0.6 ? 'ahead' : 'behind', used_share: used / 100, elapsed_share: 0.6, ratio: used / 60 },
  projected_full_at: new Date(Date.now() + HOUR + 60_000).toISOString(),
  full_before_reset: used > 60,
  burn_rate_per_hour: 20,
  ...over,
});
const limits = (over: Partial<UsageLimits>): UsageLimits => ({ five_hour: null, seven_day: null, estimate: null, today_cost_usd: 0, ...over });

describe('LimitGauges', () => {
  it('shows both windows with pace and time to the limit, and follows limits_update', async () => {
    const app = renderWithServices(<LimitGauges />, { '/api/v1/usage/limits': limits({ five_hour: window(72), seven_day: window(30, { window_seconds: 604800 }) }) });
    const five = await screen.findByRole('meter', { name: '5-hour limit used' });
    expect(five.getAttribute('aria-valuenow')).toBe('72');
    const card = five.closest('.limit-gauge') as HTMLElement;
    expect(card.textContent).toContain('ahead of pace (1.2×)');
    expect(card.textContent).toMatch(/limit in 1h 1m/);
    const seven = screen.getByRole('meter', { name: '7-day limit used' }).closest('.limit-gauge') as HTMLElement;
    expect(seven.textContent).toContain('behind pace');
    expect(seven.textContent).toContain('not reached before reset');

    const socket = app.sockets.last('/ws/metrics-updates');
    act(() => {
      socket.open();
      socket.receive({ type: 'limits_update', seq: 1, timestamp: new Date().toISOString(), data: { five_hour: window(91), seven_day: window(30, { window_seconds: 604800 }) } });
    });
    await waitFor(() => expect(screen.getByRole('meter', { name: '5-hour limit used' }).getAttribute('aria-valuenow')).toBe('91'));
    expect(screen.getByRole('meter', { name: '5-hour limit used' }).closest('.limit-gauge')?.className).toContain('level-high');
  });

  it('without status-line data, shows the current block from the transcripts, labelled an estimate', async () => {
    const start = Date.now() - HOUR;
    renderWithServices(<LimitGauges />, {
      '/api/v1/usage/limits': limits({
        estimate: {
          label: 'estimate',
          start: new Date(start).toISOString(),
          end: new Date(start + 5 * HOUR).toISOString(),
          last_activity: new Date().toISOString(),
          cost_usd: 3.2,
          tokens: 120_000,
          burn_rate: { cost_per_hour: 3.2, tokens_per_minute: 2000 },
          projection: { cost_usd: 16, tokens: 600_000 },
        },
      }),
    });
    const badge = await screen.findByText('estimate');
    const card = badge.closest('.limit-gauge') as HTMLElement;
    expect(card.textContent).toContain('$3.20');
    expect(card.textContent).toContain('projected $16.00');
    expect(screen.queryByRole('meter')).toBeNull();
  });
});
