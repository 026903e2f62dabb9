// The live input over the whole fixture corpus, as the store commits it: here, not beside
// liveInput.ts in core/, because it reads the transcripts and writes a SQLite store to get it.
import { describe, expect, it } from 'vitest';
import { FIXTURE_HOME, openContext } from './helpers.js';
import { discoverTranscripts } from '../src/ingest/discover.js';
import { ingestFile } from '../src/ingest/ingestFile.js';
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
  for (const file of files) await ingestFile(ctx, file);
  await ctx.store.close();
  return commits;
}

const commits = await corpusCommits();
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

  it("counts a line's tokens from the request it priced, and none for a line that priced none", () => {
    const priced = commits.flatMap((c) => c.newEntries).find((e) => e.priced) as TranscriptEntry;
    const record = priced.priced as NonNullable<TranscriptEntry['priced']>;
    const u = { input: 1, output: 2, cacheWrite5m: 3, cacheWrite1h: 4, cacheRead: 5 };
    expect(liveLine({ ...priced, priced: { ...record, usage: { ...record.usage, ...u } } }).tokens).toBe(15);
    expect(liveLine({ ...priced, priced: null }).tokens).toBe(0);
  });

  it('reads what nodes from before 2026-12-06 wrote: whole entries on the bus, request changes in the outbox', () => {
    const applied = commits.find((c) => c.requestChanges.length > 0 && c.newEntries.length > 1) as AppliedBatch;
    const input = liveInput(applied.newEntries, applied.requestChanges, applied.sessions);
    const onTheBus = { newEntries: applied.newEntries, costByLine: [...input.costByLine], usageDeltas: [...input.usageDeltas], sessions: applied.sessions };
    expect(inputFromJson(JSON.stringify(onTheBus))).toEqual(input);
    const inTheOutbox = { newEntries: applied.newEntries, requestChanges: applied.requestChanges };
    expect(inputFromJson(JSON.stringify(inTheOutbox))).toEqual({ ...input, sessions: [] });
    expect(input.costByLine.size).toBeGreaterThan(0);
  });
});
