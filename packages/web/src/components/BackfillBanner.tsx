import { useQuery } from '@tanstack/react-query';
import { useServices } from '../app/services';

const POLL_MS = 1000;

/**
 * "Reading history… 42%" while the server reads the history at start-up (newest first: today's
 * figures are right before it is done). Asks /healthz each second until the server is live.
 */
export function BackfillBanner() {
  const { api } = useServices();
  const { data } = useQuery({
    queryKey: ['healthz'],
    queryFn: () => api.health(),
    refetchInterval: (query) => (query.state.data?.phase === 'live' ? false : POLL_MS),
  });
  if (data?.phase !== 'backfilling') return null;
  const progress = data.progress;
  const percent = progress && progress.bytesTotal > 0 ? Math.floor((100 * progress.bytesDone) / progress.bytesTotal) : null;
  return (
    <div className="backfill-banner" role="status" title="The newest files are read first; older history fills in">
      Reading history…{percent === null ? '' : ` ${percent}%`}
    </div>
  );
}
