import type { IngestBatch, SourceState } from '../store/repository.js';
import type { TranscriptFile } from './discover.js';
import { ingestSource, type CommitPolicy, type IngestContext } from './ingestSource.js';
import { lineParser, PARSE_ELSEWHERE_BYTES } from './lineParser.js';

/**
 * A group is committed early once it holds this many bytes (memory stays bounded after a stall),
 * batches or lines: a commit and its live update take one event-loop turn, so a group must stay
 * small enough not to hold the loop (figures: docs/ingest.md, "Group commits").
 */
const GROUP_MAX_BYTES = 8 * 1024 * 1024;
const GROUP_MAX_BATCHES = 256;
const GROUP_MAX_LINES = 200;
/** Lines are read in batches of this many bytes; a full group's reader lets the loop turn before it reads on. */
const LIVE_BATCH_BYTES = 32 * 1024;

/**
 * Commits on a store in another process (PostgreSQL) start at least this far apart: each is round
 * trips to PostgreSQL and a script call to Redis, and fewer of them left more of a core for the
 * rest (docs/ingest.md, "Group commits"). SQLite commits in-process: no spacing there.
 */
export const REMOTE_COMMIT_SPACING_MS = 10;

interface Group {
  batches: IngestBatch[];
  bytes: number;
  lines: number;
  /** Settles once the group is committed and published. */
  done: Promise<void>;
  settle: (error?: Error) => void;
  /** The turn that opened it has ended (or it is full): it may be committed. */
  ready: boolean;
}

/**
 * The live path's commit policy: reads files (ingestSource) and commits what the reads found
 * together: one transaction, one live update and one alert evaluation per group instead of per
 * file. A group collects the reads of one event-loop turn, and of the turns after it for as long as
 * the previous commit is under way; commits run one at a time. A read resolves once its lines are
 * committed and published, so reads of one file never overlap.
 *
 * A commit per read kept the server a whole core busy, and a group per turn committed on its own
 * queued transactions behind each other on PostgreSQL (docs/ingest.md, "Group commits"). Reads go
 * on while a commit is under way: its round trips overlap them. With `spacingMs`, a commit starts
 * at least that long after the one before: a line read after a quiet spell is committed at once,
 * and under load the reads of the next few milliseconds go together (see REMOTE_COMMIT_SPACING_MS).
 * A group past GROUP_MAX_BYTES, _BATCHES or _LINES closes at once, and the read that filled it
 * waits for its commit, so memory stays bounded when reads outpace commits. A failed commit fails
 * every read of its group; their offsets stay where they were, so the next event or the audit reads
 * them again.
 */
export function groupCommits(
  ctx: IngestContext,
  { spacingMs = 0, onCommit, remember }: { spacingMs?: number; onCommit?: (ms: number, batches: number) => void; remember: boolean },
): {
  read: (file: TranscriptFile) => Promise<void>;
  /** With `remember`: the offset last committed for the file, when this watcher read it before. */
  offset: (absPath: string) => number | undefined;
} {
  /** The group reads join now. */
  let open: Group | null = null;
  /** Full groups, closed early, oldest first: committed before the open one. */
  const closed: Group[] = [];
  /** The commit under way. */
  let committing: Promise<void> | null = null;
  /**
   * With `remember`: each file's source as this watcher last committed it (or read it from the
   * store). A commit the store acknowledged may still be lost (PostgreSQL's crash, see
   * INGEST_COMMIT in postgresStore.ts), so a read from a remembered offset tells the store where
   * it expects the file to stand (IngestBatch.expectOffset), and every file is forgotten when a
   * commit fails or the store lost a connection: reads, and the audit, ask the store again.
   */
  const known = remember ? new Map<string, SourceState>() : null;
  // The embedded store (no cluster part) loses no connections.
  const lostConnections = () => ctx.store.cluster?.connectionLosses() ?? 0;
  let losses = lostConnections();
  const parser = lineParser();

  const apply = async (group: Group): Promise<void> => {
    try {
      const started = performance.now();
      const applied = await ctx.store.applyBatches(group.batches);
      onCommit?.(performance.now() - started, group.batches.length);
      ctx.onApplied?.(applied);
      group.settle();
    } catch (error) {
      known?.clear();
      group.settle(error as Error);
    }
  };

  /** When the last commit started; the next waits for `spacingMs` after it. */
  let lastStart = -Infinity;
  let spacing: NodeJS.Timeout | null = null;
  /** Starts the next commit, unless one is under way (or, with `spacingMs`, began too recently). */
  const pump = (): void => {
    if (committing || spacing) return;
    if (closed.length === 0 && !open?.ready) return;
    const wait = lastStart + spacingMs - performance.now();
    if (wait > 0) {
      spacing = setTimeout(() => {
        spacing = null;
        pump();
      }, wait);
      return;
    }
    lastStart = performance.now();
    let group = closed.shift();
    if (!group) {
      group = open as Group; // ready, by the check above
      open = null;
    }
    committing = apply(group).finally(() => {
      committing = null;
      pump();
    });
  };

  const join = (): Group => {
    if (open) return open;
    let settle: Group['settle'] = () => {};
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    done.catch(() => {}); // each reader awaits it and sees the error; never unhandled
    const group: Group = { batches: [], bytes: 0, lines: 0, done, settle, ready: false };
    open = group;
    // Queued ahead of the reads that wait for the next turn, so it runs first in the next check phase.
    setImmediate(() => {
      group.ready = true;
      pump();
    });
    return group;
  };

  /** Closes a full group: the next reads open another. */
  const close = (group: Group): void => {
    if (open === group) open = null;
    group.ready = true;
    closed.push(group);
    pump();
  };

  const read = async (file: TranscriptFile): Promise<void> => {
    const lost = lostConnections();
    if (known && lost !== losses) {
      losses = lost;
      known.clear();
    }
    const remembered = known?.get(file.absPath);
    const source = remembered ?? (await ctx.store.sources([file]))[0];
    if (!source) return;
    const policy = readInGroups(remembered?.offset);
    try {
      await ingestSource(ctx.store, file, source, { ...ctx, parseElsewhereFrom: PARSE_ELSEWHERE_BYTES, maxBatchBytes: LIVE_BATCH_BYTES }, policy);
      await policy.settled();
    } catch (error) {
      known?.delete(file.absPath); // ask the store again
      throw error;
    }
    known?.set(file.absPath, policy.lastBatch ? committed(source, policy.lastBatch) : source);
  };

  /** One read's policy: its batches join the open group; `expect`, the offset remembered for the file. */
  const readInGroups = (expect: number | undefined): CommitPolicy & { lastBatch: IngestBatch | null; settled: () => Promise<void> } => {
    /** The group that holds the read's last batch, until it is committed. */
    let last: Group | null = null;
    // After a wait the next batch may join a later group, and a later batch must never be
    // committed without this one: the groups so far are committed first (a failure ends the read).
    const settled = async (): Promise<void> => {
      if (last) await last.done;
      last = null;
    };
    return {
      lastBatch: null,
      settled,
      take(batch, bytes) {
        if (expect !== undefined && !batch.rewind) batch.expectOffset = expect;
        expect = undefined; // the first batch only: the others follow it
        const group = join();
        group.batches.push(batch);
        group.bytes += bytes;
        group.lines += batch.entries.length;
        last = group;
        this.lastBatch = batch;
        if (group.bytes < GROUP_MAX_BYTES && group.batches.length < GROUP_MAX_BATCHES && group.lines < GROUP_MAX_LINES) return undefined;
        close(group);
        return committedThenTurn(group); // a later batch must never be committed without this one
      },
      async pause() {
        await settled();
        await nextTurn();
      },
      async parse(request) {
        await settled();
        return parser.parse(request);
      },
    };
  };

  return { read, offset: (absPath) => known?.get(absPath)?.offset };
}

/** Waits for the group's commit, then lets sockets and timers run before the next group. */
async function committedThenTurn(group: Group): Promise<void> {
  await group.done;
  await nextTurn();
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The source as the store holds it once `batch`, its last batch, is committed. */
function committed(source: SourceState, batch: IngestBatch): SourceState {
  return { ...source, offset: batch.nextOffset, lineCount: batch.nextLineCount, ino: batch.identity.ino, size: batch.identity.size, tail: batch.nextTail };
}
