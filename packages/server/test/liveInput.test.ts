// The live input over the whole fixture corpus, as the store commits it: here, not beside
// liveInput.ts in core/, because it reads the transcripts and writes a SQLite store to get it.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_HOME, ingestEachBatch, openContext, ORACLE } from './helpers.js';
import { discoverTranscripts } from '../src/ingest/discover.js';
import type { AppliedBatch } from '../src/store/repository.js';
import type { TranscriptEntry } from '../src/core/entry.js';
import { inputFromJson, inputToJson, liveInput, liveLine } from '../src/core/live/liveInput.js';
import { LiveState, type LiveEvent } from '../src/core/live/liveState.js';
import { DEFAULT_THRESHOLDS } from '../src/core/live/sessionStatus.js';

/** Every commit of the whole fixture corpus, as the store hands them to the live engine. */
async function corpusCommits(): Promise<AppliedBatch[]> {
  const ctx = openContext();
  const commits: AppliedBatch[] = [];
  ctx.onApplied = (applied) => commits.push(applied);
  const { files } = await discoverTranscripts(FIXTURE_HOME);
  for (const file of files) await ingestEachBatch(ctx, file);
  await ctx.store.close();
  return commits;
}

const commits = await corpusCommits();
interface OracleSession {
  sessionId: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}
/** A real session with 6 subagents whose responses are split over several lines. */
const SPLIT_SESSION = 'ef958aa1-0e93-49f0-bb71-150f63befcd1';
/** One of its responses: two lines 6.5 s apart, output 2 then 659. */
const SPLIT_REQUEST = 'msg_01Go5wKzDYZ5EbngzVWDQ6Ud';
const stamp = (applied: AppliedBatch) => Math.max(0, ...applied.newEntries.map((e) => (e.timestamp ? Date.parse(e.timestamp) : 0)));

describe('live input', () => {
  it('is read from its JSON (the Redis bus, the outbox) into a live state that agrees with the committing node, event for event', () => {
    let clock = 0;
    const here = new LiveState(DEFAULT_THRESHOLDS, () => clock);
    const there = new LiveState(DEFAULT_THRESHOLDS, () => clock);
    const events: { here: LiveEvent[]; there: LiveEvent[] } = { here: [], there: [] };
    let lines = 0;
    for (const applied of commits) {
      clock = Math.max(clock, stamp(applied));
      const input = liveInput(applied.newEntries, applied.requestChanges, applied.sessions);
      const read = inputFromJson(inputToJson(input));
      expect(read).toEqual(input);
      events.here.push(...here.apply(input));
      events.there.push(...there.apply(read));
      lines += input.lines.length;
      // The rate windows' last hour follows the clock, which moves from one file's day to the next.
      expect(there.series('tokens')).toEqual(here.series('tokens'));
    }
    expect(lines).toBeGreaterThan(3000);
    expect(events.there).toEqual(events.here);
    expect(events.here.filter((e) => e.kind === 'message').length).toBeGreaterThan(1000);
    expect(events.here.some((e) => e.kind === 'message' && e.cost > 0 && e.toolUses.length > 0)).toBe(true);
    expect(there.metricUpdates()).toEqual(here.metricUpdates());
    expect(there.activeSessions()).toEqual(here.activeSessions());
  });

  it('carries about half of what whole entries did', () => {
    const entries = commits.flatMap((c) => c.newEntries);
    const whole = JSON.stringify(entries).length;
    const slim = JSON.stringify(entries.map(liveLine)).length;
    expect(slim / whole).toBeLessThan(0.6);
  });

  it("counts a request's tokens once, as its cost: the lines' tokens add up to the oracle's, session by session", () => {
    const byLines = new Map<string, number>();
    const summed = new Map<string, number>();
    for (const applied of commits) {
      for (const line of liveInput(applied.newEntries, applied.requestChanges, applied.sessions).lines) {
        if (line.sessionId) byLines.set(line.sessionId, (byLines.get(line.sessionId) ?? 0) + line.tokens);
      }
      // What the live input added before: each line's whole usage (several lines share one request).
      for (const e of applied.newEntries) {
        const u = e.priced?.usage;
        if (e.sessionId && u) summed.set(e.sessionId, (summed.get(e.sessionId) ?? 0) + u.input + u.output + u.cacheWrite5m + u.cacheWrite1h + u.cacheRead);
      }
    }
    const oracle = (JSON.parse(fs.readFileSync(ORACLE, 'utf8')) as { sessions: OracleSession[] }).sessions;
    for (const s of oracle) expect([s.sessionId, byLines.get(s.sessionId) ?? 0]).toEqual([s.sessionId, s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens]);
    // The session of the issue: 65% over when every line's usage was added.
    expect((summed.get(SPLIT_SESSION) ?? 0) / (byLines.get(SPLIT_SESSION) ?? 1)).toBeGreaterThan(1.3);
  });

  it("puts a correction's tokens and cost at its request's start: its first line brings the request, a later larger line the difference", () => {
    const lines = commits.flatMap((c) => liveInput(c.newEntries, c.requestChanges, c.sessions).lines.map((line) => ({ line, entry: c.newEntries.find((e) => e.uuid === line.uuid) as TranscriptEntry })));
    const ofRequest = lines.filter(({ entry }) => entry.request?.messageId === SPLIT_REQUEST);
    expect(ofRequest.map(({ entry }) => entry.request?.usage.output)).toEqual([2, 659]);
    const [first, last] = ofRequest as [(typeof ofRequest)[0], (typeof ofRequest)[0]];
    const u = first.entry.request!.usage;
    expect(first.line.tokens).toBe(u.input + 2 + u.cacheWrite5m + u.cacheWrite1h + u.cacheRead);
    expect(first.line.requestAt).toBeUndefined();
    expect(last.line.tokens).toBe(657);
    expect(last.line.requestAt).toBe(first.entry.timestamp);
    expect(Date.parse(last.entry.timestamp!) - Date.parse(first.entry.timestamp!)).toBeGreaterThan(5000);
  });

  it('reads what nodes from before 2026-12-06 wrote: whole entries on the bus, request changes in the outbox', () => {
    const applied = commits.find((c) => c.requestChanges.length > 0 && c.newEntries.length > 1) as AppliedBatch;
    const input = liveInput(applied.newEntries, applied.requestChanges, applied.sessions);
    const onTheBus = { newEntries: applied.newEntries, costByLine: [...input.costByLine], usageDeltas: [...input.usageDeltas], sessions: applied.sessions };
    // Without the request changes a line's tokens are its request's whole usage, counted at the line's time.
    const read = inputFromJson(JSON.stringify(onTheBus));
    expect({ ...read, lines: read.lines.map((l) => ({ ...l, tokens: 0 })) }).toEqual({ ...input, lines: input.lines.map(({ requestAt: _, ...l }) => ({ ...l, tokens: 0 })) });
    const inTheOutbox = { newEntries: applied.newEntries, requestChanges: applied.requestChanges };
    expect(inputFromJson(JSON.stringify(inTheOutbox))).toEqual({ ...input, sessions: [] });
    expect(input.costByLine.size).toBeGreaterThan(0);
  });
});
