import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithServices } from '../test/renderApp';
import { BackfillBanner } from './BackfillBanner';

describe('BackfillBanner', () => {
  it('says how much of the history is read while the server backfills, and goes once it is live', async () => {
    let phase: 'backfilling' | 'live' = 'backfilling';
    const healthz = () =>
      phase === 'live' ? { status: 'ok', phase } : { status: 'ok', phase, progress: { filesDone: 10, filesTotal: 40, bytesDone: 42, bytesTotal: 100 } };
    renderWithServices(<BackfillBanner />, { '/healthz': healthz });
    expect((await screen.findByRole('status')).textContent).toBe('Reading history… 42%');
    phase = 'live';
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull(), { timeout: 3000 });
  });
});
