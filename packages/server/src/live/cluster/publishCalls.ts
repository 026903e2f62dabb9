import type { Publishable } from '../bus.js';

// What RedisBus queues in a turn, and how it becomes PUBLISH_MANY calls (redisStream.ts has the
// script): cut into calls of at most PUBLISH_MANY_ITEMS, each call's arguments in the script's
// layout.

/** Items per PUBLISH_MANY call: a commit caught up after a stall publishes thousands; Redis runs one script at a time. */
export const PUBLISH_MANY_ITEMS = 500;

export type Pending =
  | { kind: 'event'; channel: string; json: string; claim?: { key: string; ttlMs: number } }
  | { kind: 'input'; json: string }
  /** The items of this node's commit (its outbox number) follow, up to its 'mark'. */
  | { kind: 'gate'; commit: number }
  | { kind: 'mark'; commit: number };

/** An item queued for the turn's PUBLISH_MANY call; a claimed event learns from its answer whether it went out. */
export interface Outgoing {
  item: Pending;
  event?: Publishable;
  claimed?: (sent: boolean) => void;
}

/** The turn's items in calls of at most PUBLISH_MANY_ITEMS. A commit cut across two calls opens again in the second: each call checks the mark itself. */
export function callsOf(queued: Outgoing[]): Outgoing[][] {
  const calls: Outgoing[][] = [];
  let open: Outgoing | undefined;
  for (let from = 0; from < queued.length; from += PUBLISH_MANY_ITEMS) {
    const slice = queued.slice(from, from + PUBLISH_MANY_ITEMS);
    calls.push(open && slice[0] !== open ? [{ item: open.item }, ...slice] : slice);
    for (const outgoing of slice) {
      if (outgoing.item.kind === 'gate') open = outgoing;
      else if (outgoing.item.kind === 'mark') open = undefined;
    }
  }
  return calls;
}

/**
 * One call's items as PUBLISH_MANY's ARGV after its header, each event with the seq its node has
 * shown for the channel (`seqOf`) and the number `sent` gives it (see SentEvents). Returns them
 * and how many are commit markers (no entry on the stream).
 */
export function publishManyArgs(
  queued: Outgoing[],
  seqOf: (channel: string) => number,
  sent: (channel: string, json: string, event: Publishable) => number,
): { argv: (string | number)[]; markers: number } {
  const argv: (string | number)[] = [];
  let markers = 0;
  for (const { item, event } of queued) {
    if (item.kind === 'input') argv.push('i', item.json);
    else if (item.kind === 'gate' || item.kind === 'mark') {
      argv.push(item.kind === 'gate' ? 'g' : 'w', item.commit);
      markers++;
    } else {
      // Without the event itself (none here yet) it is numbered 0: read back, it is parsed.
      const n = event ? sent(item.channel, item.json, event) : 0;
      argv.push(item.claim ? 'c' : 'e', item.channel, seqOf(item.channel), item.json, n);
      if (item.claim) argv.push(item.claim.key, item.claim.ttlMs);
    }
  }
  return { argv, markers };
}

/**
 * Hands each claimed event of a call its answer from PUBLISH_MANY (one per claimed event and per
 * commit, in order). Returns the highest commit the call marked published, 0 for none.
 */
export function settleCall(queued: Outgoing[], answers: number[]): number {
  let next = 0;
  let marked = 0;
  for (const { item, claimed } of queued) {
    if (item.kind === 'mark') marked = Math.max(marked, item.commit);
    if (item.kind === 'gate') {
      next++; // 0: taken over, its events never reach the stream (SentEvents passes over their numbers)
    } else if (claimed) claimed(answers[next++] === 1);
  }
  return marked;
}
