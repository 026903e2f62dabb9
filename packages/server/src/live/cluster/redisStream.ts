import type { Redis } from 'ioredis';
import type { ChannelEvent } from '../hub.js';
import { knownText } from '../socketFeed.js';
import type { Replayed } from './outageBuffer.js';

// The Redis stream the bus runs on (redisBus.ts): its keys, the scripts that stamp and append
// entries (and a replay's calls outside them), and the reading of entries back into events (a
// resume's history included; the live reading loop is streamReader.ts).

/**
 * KEYS: the seq hash, the stream, the claim key (unused without a claim).
 * ARGV: channel, event JSON, origin node, replay flag, floor seq, claim ttl ms ('' for none), stream length.
 * Claims `key` when asked to (SET NX PX); then the channel's next seq, never at or below `floor`
 * (the seq the publishing node has shown its clients: after Redis lost its data, or after an
 * outage in which the node counted on its own); then the event onto the stream. 0: claimed elsewhere.
 */
export const PUBLISH = `
if ARGV[6] ~= '' then
  if not redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[6]) then return 0 end
end
local seq = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
local floor = tonumber(ARGV[5])
if seq <= floor then
  seq = floor + 1
  redis.call('HSET', KEYS[1], ARGV[1], seq)
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'k', 'e', 'c', ARGV[1], 's', seq, 'o', ARGV[3], 'r', ARGV[4], 'd', ARGV[2])
return seq
`;

/**
 * KEYS: the seq hash, the stream, the claim keys' prefix (claim keys share the `{bus}` hash tag:
 * one slot), the publishing node's commit mark. ARGV: origin node, stream length, the mark's ttl
 * in ms, then per item its kind and fields: 'i' (input): JSON; 'e' (event): channel, floor seq,
 * JSON, the node's number for it (SentEvents; the entry's `n`); 'c' (claimed event): the same,
 * then claim key, claim ttl ms; 'g' (a commit's items follow): commit number; 'w' (the commit's
 * items are done): commit number.
 *
 * What one turn publishes, in one call: each event stamped and appended as PUBLISH does (never a
 * replay), a claimed one only when its claim is free (SET NX PX), each input appended. Between a
 * 'g' and its 'w', nothing goes out if the node's mark is at or past the commit already (another
 * node took it over from the outbox: see TAKE_OVER); otherwise the 'w' moves the mark to it.
 * Returns, for the claimed events and the commits in order, 1 (sent) or 0 (claimed elsewhere, or
 * taken over).
 */
export const PUBLISH_MANY = `
local claimed = {}
local mark = tonumber(redis.call('GET', KEYS[4])) or 0
local skipping = false
local i = 4
while i <= #ARGV do
  local kind = ARGV[i]
  if kind == 'g' then
    skipping = mark >= tonumber(ARGV[i + 1])
    claimed[#claimed + 1] = skipping and 0 or 1
    i = i + 2
  elseif kind == 'w' then
    local commit = tonumber(ARGV[i + 1])
    if not skipping and commit > mark then
      mark = commit
      redis.call('SET', KEYS[4], commit, 'PX', ARGV[3])
    end
    skipping = false
    i = i + 2
  elseif kind == 'i' then
    if not skipping then
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', 'i', 'o', ARGV[1], 'd', ARGV[i + 1])
    end
    i = i + 2
  else
    local send = not skipping
    if kind == 'c' then
      send = send and redis.call('SET', KEYS[3] .. ARGV[i + 5], ARGV[1], 'NX', 'PX', ARGV[i + 6]) ~= false
      claimed[#claimed + 1] = send and 1 or 0
    end
    if send then
      local seq = redis.call('HINCRBY', KEYS[1], ARGV[i + 1], 1)
      local floor = tonumber(ARGV[i + 2])
      if seq <= floor then
        seq = floor + 1
        redis.call('HSET', KEYS[1], ARGV[i + 1], seq)
      end
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', 'e', 'c', ARGV[i + 1], 's', seq, 'o', ARGV[1], 'r', '0', 'n', ARGV[i + 4], 'd', ARGV[i + 3])
    end
    i = i + (kind == 'c' and 7 or 5)
  end
end
return claimed
`;

/**
 * KEYS: a node's commit mark. ARGV: a commit number, the mark's ttl in ms. Moves the mark up to
 * the commit (never down) and returns where it was: the commits after that and through this one
 * are the caller's to publish, and the node's own later attempts at them send nothing (PUBLISH_MANY).
 */
export const TAKE_OVER = `
local mark = tonumber(redis.call('GET', KEYS[1])) or 0
if tonumber(ARGV[1]) > mark then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return mark
`;

export type PublishCommand = (seqKey: string, stream: string, claimKey: string, ...argv: (string | number)[]) => Promise<number>;
export type PublishManyCommand = (seqKey: string, stream: string, claimPrefix: string, markKey: string, ...argv: (string | number)[]) => Promise<number[]>;
export type TakeOverCommand = (markKey: string, commit: number, ttlMs: number) => Promise<number>;

export interface BusScripts {
  publish: PublishCommand;
  publishMany: PublishManyCommand;
  takeOver: TakeOverCommand;
}

/** The scripts above as commands of `redis` (ioredis sends EVALSHA, EVAL the first time). */
export function busScripts(redis: Redis): BusScripts {
  redis.defineCommand('claudelensPublish', { numberOfKeys: 3, lua: PUBLISH });
  redis.defineCommand('claudelensPublishMany', { numberOfKeys: 4, lua: PUBLISH_MANY });
  redis.defineCommand('claudelensTakeOver', { numberOfKeys: 1, lua: TAKE_OVER });
  const commands = redis as unknown as { claudelensPublish: PublishCommand; claudelensPublishMany: PublishManyCommand; claudelensTakeOver: TakeOverCommand };
  return {
    publish: commands.claudelensPublish.bind(redis),
    publishMany: commands.claudelensPublishMany.bind(redis),
    takeOver: commands.claudelensTakeOver.bind(redis),
  };
}

/** The bus's keys, all under `<prefix>{bus}:` (one hash slot): the seq hash, the stream, and the prefixes of claims, acknowledgements and commit marks. */
export interface BusKeys {
  seq: string;
  stream: string;
  claim: string;
  ack: string;
  mark: string;
}

export function busKeys(keyPrefix = 'claudelens:'): BusKeys {
  const prefix = `${keyPrefix}{bus}:`;
  return { seq: `${prefix}seq`, stream: `${prefix}events`, claim: `${prefix}once:`, ack: `${prefix}ack:`, mark: `${prefix}published:` };
}

/**
 * One item of a node's outage buffer onto the stream, marked as a replay (its node's clients had
 * it already): an input appended as PUBLISH_MANY appends one, an event through PUBLISH under a seq
 * above `floor` (the seq the node has shown its clients), its claim taken there.
 */
export async function sendReplay(redis: Redis, scripts: BusScripts, keys: BusKeys, item: Replayed, node: { id: string; floor: number; streamLength: number }): Promise<void> {
  if (item.kind === 'input') {
    await redis.xadd(keys.stream, 'MAXLEN', '~', node.streamLength, '*', 'k', 'i', 'o', node.id, 'd', item.json);
    return;
  }
  const claimKey = item.claim ? keys.claim + item.claim.key : keys.seq;
  const claimTtl = item.claim ? String(item.claim.ttlMs) : '';
  await scripts.publish(keys.seq, keys.stream, claimKey, item.channel, item.json, node.id, '1', node.floor, claimTtl, node.streamLength);
}

/**
 * A resume reads the stream backwards in pages, the first small (a client away for a moment missed
 * the last few hundred entries at most) and each next one twice as large up to the last size.
 */
const HISTORY_PAGES = { first: 250, last: 4000 };
/** A resume looks this far back in the stream at most (a client away for a few seconds under heavy load). */
const HISTORY_SCAN_LIMIT = 100_000;

/**
 * Reads the stream backwards, a page at a time, until it has every event of the channel after
 * `since`: it stops at the event numbered `since + 1`, the first the client missed. A channel's
 * seqs grow along the stream, so nothing older is needed. (Reading on to the event numbered
 * `since` scanned the whole stream back to the client's last event, on a quiet session's channel
 * most of it: docs/scale-out.md.) Null when the stream no longer holds them all.
 */
export async function readHistory(redis: Redis, stream: string, channel: string, since: number, upTo: number): Promise<ChannelEvent[] | null> {
  if (upTo <= since) return [];
  const found: ChannelEvent[] = [];
  let end = '+';
  let size = HISTORY_PAGES.first;
  for (let scanned = 0; scanned < HISTORY_SCAN_LIMIT; ) {
    const page = await redis.xrevrange(stream, end, '-', 'COUNT', size);
    for (const [id, fields] of page) {
      if (id === end) continue; // the page boundary, read already
      const entry = parseFields(fields);
      if (entry.k !== 'e' || entry.c !== channel) continue;
      const seq = Number(entry.s);
      if (seq <= since) return complete(found.reverse(), since, upTo);
      if (seq <= upTo) found.push(eventOf(entry.d ?? '{}', seq));
      if (seq === since + 1) return complete(found.reverse(), since, upTo);
    }
    if (page.length < size) return complete(found.reverse(), since, upTo);
    scanned += page.length;
    end = (page.at(-1) as [string, string[]])[0];
    size = Math.min(size * 2, HISTORY_PAGES.last);
  }
  return null;
}

/** The events after `since` through `upTo`, each seq once: or null when any is missing (trimmed from the stream). */
export function complete(events: ChannelEvent[], since: number, upTo: number): ChannelEvent[] | null {
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const out: ChannelEvent[] = [];
  for (let seq = since + 1; seq <= upTo; seq++) {
    const event = bySeq.get(seq);
    if (!event) return null;
    out.push(event);
  }
  return out;
}

export function parseFields(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i] as string] = fields[i + 1] as string;
  return out;
}

/**
 * A stream entry as the reader gets it (XREAD's replies left as Buffers): its one-letter field
 * names as char codes, its values as Buffers, turned into text only where a node needs it. A node
 * reads back every event it publishes, and most of the others are for sessions nobody watches
 * there: the JSON of neither is ever read as text.
 */
export interface RawEntry {
  /** 'e' (event) or 'i' (input). */
  kind: string;
  channel?: Buffer;
  seq?: Buffer;
  origin?: Buffer;
  replay: boolean;
  /** The publishing node's number for the event (SentEvents); absent on replays and inputs. */
  n?: Buffer;
  data?: Buffer;
}

const FIELD = { k: 0x6b, c: 0x63, s: 0x73, o: 0x6f, r: 0x72, n: 0x6e, d: 0x64 } as const;

export function rawEntry(fields: Buffer[]): RawEntry {
  const entry: RawEntry = { kind: '', replay: false };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as Buffer;
    const value = fields[i + 1] as Buffer;
    if (name.length !== 1) continue;
    switch (name[0]) {
      case FIELD.k: entry.kind = value.toString('latin1'); break;
      case FIELD.c: entry.channel = value; break;
      case FIELD.s: entry.seq = value; break;
      case FIELD.o: entry.origin = value; break;
      case FIELD.r: entry.replay = value.length === 1 && value[0] === 0x31; break;
      case FIELD.n: entry.n = value; break;
      case FIELD.d: entry.data = value; break;
    }
  }
  return entry;
}

/** A non-negative decimal integer written in ASCII, as Redis writes a seq; NaN for anything else. */
export function decimal(digits: Buffer | undefined): number {
  if (!digits || digits.length === 0 || digits.length > 15) return NaN;
  let value = 0;
  for (const byte of digits) {
    if (byte < 0x30 || byte > 0x39) return NaN;
    value = value * 10 + (byte - 0x30);
  }
  return value;
}

export function eventOf(json: string, seq: number): ChannelEvent {
  const event = JSON.parse(json) as ChannelEvent;
  event.seq = seq;
  return withText(event, json, seq);
}

export function withText(event: ChannelEvent, json: string, seq: number): ChannelEvent {
  knownText(event, withSeq(json, seq));
  return event;
}

/**
 * The event's JSON with its seq, as JSON.stringify writes it once `seq` is set last on the parsed
 * event (parsing and writing JSON.stringify's own output again gives the same text): the frame a
 * client gets, without writing every received event out again.
 */
function withSeq(json: string, seq: number): string {
  return json.length > 2 ? `${json.slice(0, -1)},"seq":${seq}}` : `{"seq":${seq}}`;
}
