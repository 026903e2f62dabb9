import { priceRequest, type RequestRecord } from '../core/accounting.js';
import type { TranscriptEntry } from '../core/entry.js';
import type { PriceBook } from '../core/pricing.js';

/** Prices the request each entry carries, if any, in place. */
export function attachPrices(entries: TranscriptEntry[], prices: PriceBook): TranscriptEntry[] {
  for (const entry of entries) entry.priced = pricedRequest(entry, prices);
  return entries;
}

function pricedRequest(entry: TranscriptEntry, prices: PriceBook): RequestRecord | null {
  const request = entry.request;
  if (!request || !entry.sessionId) return null;
  const priced = priceRequest(request.model, request.usage, request.reportedCost, prices);
  return {
    messageId: request.messageId,
    requestId: request.requestId,
    sessionId: entry.sessionId,
    agentId: entry.agentId,
    model: request.model,
    timestamp: entry.timestamp,
    startedAt: entry.timestamp,
    lineUuid: entry.uuid,
    usage: request.usage,
    // Field by field, not spread: see priceRequest.
    cost: priced.cost,
    costSource: priced.costSource,
    serverToolCost: priced.serverToolCost,
    dataResidencyCost: priced.dataResidencyCost,
    estimatedCost: priced.estimatedCost,
    estimateBasis: priced.estimateBasis,
  };
}
