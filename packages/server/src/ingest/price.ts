import { priceRequest, type RequestRecord } from '../core/accounting.js';
import type { PositionedEntry } from '../core/entry.js';
import type { PriceBook } from '../core/pricing.js';
import type { BatchEntry } from '../store/repository.js';

/** Attaches the priced request record to each entry that carries usage. */
export function priceEntries(entries: PositionedEntry[], prices: PriceBook): BatchEntry[] {
  return entries.map((entry) => ({ ...entry, priced: pricedRequest(entry, prices) }));
}

function pricedRequest(entry: PositionedEntry, prices: PriceBook): RequestRecord | null {
  const request = entry.request;
  if (!request || !entry.sessionId) return null;
  const { cost, costSource } = priceRequest(request.model, request.usage, request.reportedCost, prices);
  return {
    messageId: request.messageId,
    requestId: request.requestId,
    sessionId: entry.sessionId,
    agentId: entry.agentId,
    model: request.model,
    timestamp: entry.timestamp,
    lineUuid: entry.uuid,
    usage: request.usage,
    cost,
    costSource,
  };
}
