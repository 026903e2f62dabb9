import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Summary } from '@claudelens/protocol';
import { T0 } from '../../../test/fixtures';
import { renderWithServices } from '../../../test/renderApp';
import { Overview } from './Overview';

const window = (since: string, cost: number, tokens: number, sessions: number) => ({ since, cost, tokens, requests: sessions * 3, sessions });
const summary = (over: Partial<Summary> = {}): Summary => ({
  tz: 'UTC',
  today: window('2026-11-21T00:00:00.000Z', 1.5, 120_000, 2),
  this_week: window('2026-11-16T00:00:00.000Z', 11.25, 3_400_000, 9),
  last_activity: T0,
  claude_dirs: ['/home/dev/.claude'],
  ...over,
});
const session = (id: string, cost: number) => ({
  sessionId: id, projectPath: '/home/dev/shop-api', firstActivity: T0, lastActivity: T0, messageCount: 3, toolUseCount: 1, requests: 1, models: [],
  inputTokens: 1, outputTokens: 1, cacheCreationTokens: 0, cacheReadTokens: 0, totalCost: cost, unpricedModels: [], agents: [], status: 'ended',
});

describe('Overview (the Live page when nothing is live)', () => {
  it("shows today's and this week's cost and tokens in the browser's zone, the last activity and the last sessions with their cost", async () => {
    const app = renderWithServices(<Overview />, {
      '/api/v1/analytics/summary': summary(),
      '/api/v1/sessions': { sessions: [session('s1', 0.42), session('s2', 5.45)], next_cursor: null },
    });
    await waitFor(() => expect(screen.getByTestId('overview-today').querySelector('.stat-value')?.textContent).toBe('$1.50'));
    expect(screen.getByTestId('overview-week').textContent).toContain('3.4M tokens · 9 sessions');
    expect(screen.getByTestId('overview-last-activity').getAttribute('data-value')).toBe(T0);
    await screen.findByText('$5.45');
    expect(app.calls.some((c) => c.startsWith(`GET /api/v1/analytics/summary?tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}`))).toBe(true);
  });

  it('says where it looked when there is nothing at all, and offers the demo', async () => {
    renderWithServices(<Overview />, {
      '/api/v1/analytics/summary': summary({ last_activity: null, claude_dirs: ['/home/dev/.claude', '/work/claude'] }),
      '/api/v1/sessions': { sessions: [], next_cursor: null },
      '/healthz': { status: 'ok', phase: 'live' },
    });
    const empty = await screen.findByTestId('overview-empty');
    expect(empty.textContent).toContain('/home/dev/.claude/projects');
    expect(empty.textContent).toContain('/work/claude/projects');
    expect(empty.textContent).toContain('npm run demo');
  });

  it('says it is still reading, not that the folder is empty, while the server reads what is on disk', async () => {
    renderWithServices(<Overview />, {
      '/api/v1/analytics/summary': summary({ last_activity: null }),
      '/api/v1/sessions': { sessions: [], next_cursor: null },
      '/healthz': { status: 'ok', phase: 'backfilling' },
    });
    await screen.findByTestId('overview-reading');
    expect(screen.queryByTestId('overview-empty')).toBeNull();
  });
});
