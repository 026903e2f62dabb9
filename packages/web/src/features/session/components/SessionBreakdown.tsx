import type { SessionDetail } from '@claudelens/protocol';
import { formatCount, formatSmallCost, formatTokens } from '../../../lib/format';
import { useSessionDetail } from '../hooks/useSessionDetail';

interface Part {
  key: string;
  label: string;
  /** Before the label, dropped at phone width. */
  kind?: string;
  requests: number;
  tokens: number;
  cost: number;
}

const tokensOf = (t: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number }) =>
  t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens;

/** The main thread is what the subagents leave of the session's totals. */
function threads(detail: SessionDetail): Part[] {
  const agents = detail.agents.map((a) => ({ key: a.agentId, label: a.agentId === 'sidechain' ? 'sidechain' : a.agentId.slice(0, 8), kind: a.agentId === 'sidechain' ? undefined : 'subagent', requests: a.requests, tokens: tokensOf(a), cost: a.totalCost }));
  const main: Part = {
    key: '',
    label: 'main thread',
    requests: detail.requests - agents.reduce((n, a) => n + a.requests, 0),
    tokens: tokensOf(detail) - agents.reduce((n, a) => n + a.tokens, 0),
    cost: Math.max(0, detail.totalCost - agents.reduce((n, a) => n + a.cost, 0)),
  };
  return [main, ...agents.sort((a, b) => b.cost - a.cost)];
}

function PartTable({ caption, parts, total }: { caption: string; parts: Part[]; total: number }) {
  return (
    <table className="breakdown-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col"></th>
          <th scope="col">Requests</th>
          <th scope="col">Tokens</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {parts.map((p) => (
          <tr key={p.key} data-part={p.key}>
            <th scope="row" title={p.key || p.label}>
              {p.kind && <span className="breakdown-kind">{p.kind} </span>}
              {p.label}
            </th>
            <td>{formatCount(p.requests)}</td>
            <td>{formatTokens(p.tokens)}</td>
            <td className="breakdown-cost" data-value={p.cost}>
              {formatSmallCost(p.cost)}
              {total > 0 && <span className="breakdown-share">{Math.round((p.cost / total) * 100)}%</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where the session's tokens and cost went: the four kinds of token, each model, each subagent. */
export function SessionBreakdown({ sessionId }: { sessionId: string }) {
  const { data: detail } = useSessionDetail(sessionId);
  if (!detail) return null;
  const kinds = [
    ['input', 'Input', detail.inputTokens],
    ['output', 'Output', detail.outputTokens],
    ['cache-write', 'Cache write', detail.cacheCreationTokens],
    ['cache-read', 'Cache read', detail.cacheReadTokens],
  ] as const;
  const models: Part[] = detail.byModel.map((m) => ({ key: m.model, label: m.model, requests: m.requests, tokens: tokensOf(m), cost: m.totalCost }));
  return (
    <section className="panel session-breakdown" aria-labelledby="breakdown-title">
      <header className="panel-head">
        <h2 id="breakdown-title">Where the cost went</h2>
      </header>
      <div className="breakdown-grid">
        <dl className="token-kinds" aria-label="Tokens by kind">
          {kinds.map(([key, label, value]) => (
            <div key={key} className={`token-kind ${key}`}>
              <dt>{label}</dt>
              <dd data-value={value} title={formatCount(value)}>
                {formatTokens(value)}
              </dd>
            </div>
          ))}
        </dl>
        <PartTable caption="By model" parts={models} total={detail.totalCost} />
        <PartTable caption={detail.agents.length > 0 ? `By thread (${detail.agents.length} subagent${detail.agents.length === 1 ? '' : 's'})` : 'By thread'} parts={threads(detail)} total={detail.totalCost} />
      </div>
      {detail.unpricedModels.length > 0 && <p className="muted">No price for {detail.unpricedModels.join(', ')}: its tokens are counted, its cost is not.</p>}
    </section>
  );
}
