import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { T0 } from '../../../test/fixtures';
import { renderWithServices } from '../../../test/renderApp';
import { CostNotes } from './CostNotes';

const detail = (extra: Record<string, unknown>) => ({
  sessionId: 's1',
  projectPath: '/home/dev/shop',
  firstActivity: T0,
  lastActivity: T0,
  messageCount: 3,
  toolUseCount: 1,
  requests: 4,
  models: ['claude-opus-4-9', 'mystery-1', 'claude-opus-4-7'],
  inputTokens: 1,
  outputTokens: 1,
  cacheCreationTokens: 0,
  cacheReadTokens: 0,
  totalCost: 0.5,
  unpricedModels: ['claude-opus-4-9', 'mystery-1'],
  agents: [],
  byModel: [],
  status: 'ended',
  ...extra,
});

describe('CostNotes', () => {
  it('warns of each unpriced model with what it would cost, or that it is unknown, and lists charges beyond ccusage', async () => {
    renderWithServices(<CostNotes sessionId="s1" />, {
      '/api/v1/sessions/s1': detail({
        unpriced: [
          { model: 'claude-opus-4-9', requests: 2, estimatedCost: 0.0123, estimateBasis: 'claude-opus-4-8' },
          { model: 'mystery-1', requests: 1, estimatedCost: null, estimateBasis: null },
        ],
        extraCharges: { webSearchRequests: 3, webFetchRequests: 1, serverToolCost: 0.03, usOnlyRequests: 2, dataResidencyCost: 0.05 },
      }),
    });
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual([
      "Not priced: claude-opus-4-9 (2 requests) is not in the session's cost. It would cost about $0.01 at claude-opus-4-8's price.",
      "Not priced: mystery-1 (1 request) is not in the session's cost. What it would cost is unknown: no price for this model or its family.",
    ]);
    expect(screen.getByText(/Web search: 3 searches, \$0\.03 on top of the token cost/)).toBeTruthy();
    expect(screen.getByText(/US-only inference: 2 requests, \$0\.05 premium/)).toBeTruthy();
  });

  it('says nothing when every model is priced and nothing is billed beyond tokens', async () => {
    const app = renderWithServices(<CostNotes sessionId="s1" />, {
      '/api/v1/sessions/s1': detail({ unpricedModels: [], unpriced: [], extraCharges: { webSearchRequests: 0, webFetchRequests: 2, serverToolCost: 0, usOnlyRequests: 0, dataResidencyCost: 0 } }),
    });
    // The answer is in the cache, and the component has rendered with it: then it shows nothing.
    await waitFor(() => expect(app.services.queryClient.getQueryData(['session', 's1', 'detail'])).toBeTruthy());
    await act(async () => {});
    expect(app.container.querySelector('.cost-notes')).toBeNull();
  });
});
