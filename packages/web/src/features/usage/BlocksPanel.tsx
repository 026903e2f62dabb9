import type { UsageBlock } from '@claudelens/protocol';
import { formatCost, formatTokens } from '../../lib/format';

const SHOWN = 8;

/** The latest 5-hour blocks of the range (ccusage's, gaps left out), the active one with its pace. */
export function BlocksPanel({ blocks, timeZone }: { blocks: UsageBlock[]; timeZone: string }) {
  const time = new Intl.DateTimeFormat(undefined, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const shown = blocks.filter((b) => !b.isGap).slice(-SHOWN).reverse();
  return (
    <section className="panel">
      <div className="panel-head">
        <h2>5-hour blocks</h2>
      </div>
      {shown.length === 0 ? (
        <p className="empty">No block in this range.</p>
      ) : (
        <table className="data-table usage-blocks">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col" className="num">Requests</th>
              <th scope="col" className="num">Tokens</th>
              <th scope="col" className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((b) => (
              <tr key={b.id} className={b.isActive ? 'active' : undefined}>
                <td>
                  {time.format(Date.parse(b.startTime))}
                  {b.isActive && <span className="badge"> active</span>}
                  {b.burnRate && b.projection && (
                    <div className="muted small">
                      {formatCost(b.burnRate.costPerHour)}/h, {formatCost(b.projection.totalCost)} by its end in {b.projection.remainingMinutes} min (estimate)
                    </div>
                  )}
                </td>
                <td className="num">{b.entries}</td>
                <td className="num">{formatTokens(b.totalTokens)}</td>
                <td className="num">{formatCost(b.costUSD)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
