import type { SessionDetail } from '@claudelens/protocol';
import { useQuery } from '@tanstack/react-query';
import { useServices } from '../../../app/services';
import { formatCount, formatSmallCost } from '../../../lib/format';

/**
 * What the session's cost does not say by itself (docs/pricing.md): models without a price, with
 * what they would cost (an estimate, or unknown), and charges on the bill that ccusage's figures
 * leave out (web search fees, the US-only inference premium). Nothing when there is nothing to say.
 */
export function CostNotes({ sessionId }: { sessionId: string }) {
  const { api } = useServices();
  const { data } = useQuery({
    queryKey: ['session', sessionId, 'detail'],
    queryFn: () => api.session(sessionId),
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
  if (!data) return null;
  const unpriced = unpricedOf(data);
  const extra = data.extraCharges;
  const searches = extra && extra.webSearchRequests > 0;
  const usOnly = extra && extra.usOnlyRequests > 0;
  if (unpriced.length === 0 && !searches && !usOnly) return null;
  return (
    <section className="cost-notes" aria-label="Cost notes">
      {unpriced.map((u) => (
        <p key={u.model} className="cost-note cost-note-warning" role="alert">
          <strong>Not priced: {u.model}</strong>{u.requests > 0 ? ` (${formatCount(u.requests)} request${u.requests === 1 ? '' : 's'})` : ''} is not in the session's cost.{' '}
          {u.estimatedCost !== null ? `It would cost about ${formatSmallCost(u.estimatedCost)} at ${u.estimateBasis ?? 'its family'}'s price.` : 'What it would cost is unknown: no price for this model or its family.'}
        </p>
      ))}
      {searches && (
        <p className="cost-note">
          Web search: {formatCount(extra.webSearchRequests)} searches, {formatSmallCost(extra.serverToolCost)} on top of the token cost (not in ccusage's figures).
        </p>
      )}
      {usOnly && (
        <p className="cost-note">
          US-only inference: {formatCount(extra.usOnlyRequests)} requests, {formatSmallCost(extra.dataResidencyCost)} premium on top of the token cost (not in ccusage's figures).
        </p>
      )}
    </section>
  );
}

/** A server without per-model estimates still lists the unpriced models: their cost is unknown. */
function unpricedOf(s: SessionDetail): NonNullable<SessionDetail['unpriced']> {
  return s.unpriced ?? s.unpricedModels.map((model) => ({ model, requests: 0, estimatedCost: null, estimateBasis: null }));
}
