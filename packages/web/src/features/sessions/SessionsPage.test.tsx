import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { board, T0 } from '../../test/fixtures';
import { renderWithServices } from '../../test/renderApp';
import { ProjectsPage } from '../projects/ProjectsPage';
import { SessionsPage } from './SessionsPage';

// Issue 22 item 4: the lists follow the live stream (they lagged up to 30 s behind the grid).

const row = (cost: number) => ({
  sessionId: 's1', projectPath: '/home/dev/shop-api', firstActivity: T0, lastActivity: T0, messageCount: 3, toolUseCount: 1, requests: 1, models: [],
  inputTokens: 1, outputTokens: 1, cacheCreationTokens: 0, cacheReadTokens: 0, totalCost: cost, unpricedModels: [], agents: [], status: 'active',
});
const project = (cost: number) => ({ path: '/home/dev/shop-api', sessions: 1, messages: 3, tokens: 2, cost, first_activity: T0, last_activity: T0 });

function withStore() {
  let cost = 4.8;
  return {
    spend: (dollars: number) => (cost += dollars),
    routes: {
      '/api/v1/sessions': () => ({ sessions: [row(cost)], next_cursor: null }),
      '/api/v1/projects': () => ({ projects: [project(cost)] }),
      '/api/v1/analytics/live-activity': board(),
    },
  };
}

const newMessage = (seq: number) => ({ type: 'new_message', seq, timestamp: T0, data: { session_id: 's1', project: '/home/dev/shop-api', message_type: 'assistant', cost: 0.99, uuid: `m${seq}`, summary: 'done' } });

describe('the Sessions and Projects lists', () => {
  for (const [name, ui, selector] of [
    ['Sessions', <SessionsPage key="s" />, '[data-testid="session-row"]'],
    ['Projects', <ProjectsPage key="p" />, '[data-testid="project-row"]'],
  ] as const) {
    it(`${name}: reads the list again within a second of a new line on the activity stream`, async () => {
      const store = withStore();
      const app = renderWithServices(ui, store.routes);
      await waitFor(() => expect(document.querySelector(selector)?.getAttribute('data-cost')).toBe('4.8'));
      const activity = app.sockets.last('/ws/activity-stream');
      store.spend(0.99);
      act(() => {
        activity.open();
        activity.receive(newMessage(1));
      });
      await waitFor(() => expect(Number(document.querySelector(selector)?.getAttribute('data-cost'))).toBeCloseTo(5.79, 9), { timeout: 1500 });
      expect(screen.getAllByText('$5.79').length).toBeGreaterThan(0);
    });
  }
});
