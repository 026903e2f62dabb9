import fs from 'node:fs';
import path from 'node:path';
import type { IngestBatch, SourceState } from '../store/repository.js';
import { describeFile, discoverTranscripts, projectsDir, type TranscriptFile } from './discover.js';
import type { IngestContext } from './ingestFile.js';
import { readSource } from './readSource.js';
import { retryBackoff } from './retryBackoff.js';
import { watchTree, type TreeWatcherOptions } from './treeWatcher.js';

export interface TranscriptWatcher {
  /** Reads every transcript once more: catches what was appended before the watchers were ready. */
  rescan(): Promise<void>;
  /** Resolves when every file read in flight has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Follows appends to every transcript under the claude dirs using file-system events.
 * Reads of one file never overlap: an event during a read schedules one more read.
 */
export interface WatchOptions extends TreeWatcherOptions {
  /** Milliseconds from a file event to its lines being committed (the earliest event a read covers). */
  onRead?: (lagMs: number) => void;
  /** Milliseconds one group commit took in the store, and how many reads it held. */
  onCommit?: (ms: number, batches: number) => void;
  /**
   * This watcher is the only writer of its files' offsets (a claude dir held under a lease on
   * PostgreSQL): it remembers what it committed for each file instead of asking the store before
   * every read, one round trip per read. Off on SQLite, where `claudelens import` may run beside
   * `serve` on the same database, and asking costs microseconds.
   */
  rememberOffsets?: boolean;
  /**
   * How often every transcript's size is compared with what was read (0: never). When the
   * kernel's inotify queue overflows (a server busy for a while), the events past it are gone,
   * and libuv does not report the overflow: a file changed then is read here, or never.
   */
  auditEveryMs?: number;
}

export const DEFAULT_AUDIT_MS = 10_000;
/** Reads take at most about this much of one event-loop turn; then sockets and timers get theirs. */
const READ_SLICE_MS = 50;
/**
 * A turn's reads are committed early once they hold this many bytes (memory stays bounded after
 * a stall) or batches: one commit and its publishing hold the event loop for about 0.3 ms per
 * batch, and groups of thousands, once the server had fallen behind, held it for 300-800 ms at a
 * time, so the next group was as large again (bench:live's 5-minute run at 1000 sessions).
 */
const GROUP_MAX_BYTES = 8 * 1024 * 1024;
const GROUP_MAX_BATCHES = 256;

export function watchTranscripts(ctx: IngestContext, claudeDirs: string[], options: WatchOptions = {}): TranscriptWatcher {
  const turn = readingTurns(READ_SLICE_MS);
  const ingest = turnCommits(ctx, { maxBytes: GROUP_MAX_BYTES, maxBatches: GROUP_MAX_BATCHES, onCommit: options.onCommit, remember: options.rememberOffsets ?? false });
  const running = new Map<string, Promise<void>>();
  let closed = false;
  /** Files with events during their read, each with the time of the first such event. */
  const again = new Map<string, number>();
  const retries = retryBackoff();

  const schedule = (claudeDir: string, absPath: string): void => {
    if (running.has(absPath)) {
      if (!again.has(absPath)) again.set(absPath, performance.now());
      return;
    }
    const relPath = path.relative(projectsDir(claudeDir), absPath).split(path.sep).join('/');
    let since = performance.now();
    const run = (async () => {
      for (;;) {
        await turn();
        again.delete(absPath); // events until now fold into this read
        await ingest.read(describeFile(claudeDir, relPath));
        options.onRead?.(performance.now() - since);
        const pending = again.get(absPath);
        if (pending === undefined) break;
        since = pending; // one more read for the events during this one
      }
      retries.succeeded(absPath);
    })()
      .catch((error: Error) => {
        options.onError?.(error);
        retries.failed(absPath, () => schedule(claudeDir, absPath));
      })
      .finally(() => running.delete(absPath));
    running.set(absPath, run);
  };

  const trees = claudeDirs.map((claudeDir) => watchTree(projectsDir(claudeDir), (file) => schedule(claudeDir, file), options));

  const audit = async () => {
    for (const claudeDir of claudeDirs) {
      if (closed) return;
      const { files } = await discoverTranscripts(claudeDir);
      if (closed) return;
      // Files read before need no query when their offsets are remembered: under bench:live's
      // load (7000 files on PostgreSQL) asking for all of them took tens of ms every 10 s.
      const unknown = files.filter((file) => ingest.offset(file.absPath) === undefined);
      const sources = new Map((await ctx.store.sources(unknown)).map((source, i) => [unknown[i]?.absPath, source.offset]));
      for (const file of files) {
        if (sizeOf(file.absPath) > (ingest.offset(file.absPath) ?? sources.get(file.absPath) ?? 0)) schedule(claudeDir, file.absPath);
      }
    }
  };
  const auditEveryMs = options.poll ? 0 : (options.auditEveryMs ?? DEFAULT_AUDIT_MS);
  // One audit at a time. Its walk awaits a readdir per folder, one event-loop turn each: under
  // bench:live's load (7000 files in 2000 folders) a walk outlasted the interval, and walks piled
  // up, each holding its list of files: 24,000 file records on the heap after 3 minutes.
  let auditing = false;
  const auditor =
    auditEveryMs > 0
      ? setInterval(() => {
          if (auditing) return;
          auditing = true;
          void audit()
            .catch((error: Error) => options.onError?.(error))
            .finally(() => (auditing = false));
        }, auditEveryMs)
      : null;
  auditor?.unref?.();

  return {
    async rescan() {
      for (const claudeDir of claudeDirs) {
        const { files } = await discoverTranscripts(claudeDir);
        for (const file of files) schedule(claudeDir, file.absPath);
      }
      await this.idle();
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running.values()]);
    },
    async close() {
      closed = true;
      if (auditor) clearInterval(auditor);
      retries.close();
      for (const tree of trees) tree.close();
      await this.idle();
    },
  };
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // gone: nothing to read
  }
}

interface Group {
  batches: IngestBatch[];
  bytes: number;
  file: TranscriptFile;
  /** Settles once the group is committed and published. */
  done: Promise<void>;
  settle: (error?: Error) => void;
  /** The turn that opened it has ended (or it is full): it may be committed. */
  ready: boolean;
}

/**
 * Reads a file like ingestFile, but commits what the reads found together: one transaction,
 * one live update and one alert evaluation per group instead of per file. A group collects the
 * reads of one event-loop turn, and of the turns after it for as long as the previous commit is
 * under way; commits run one at a time. A read resolves once its lines are committed and
 * published, so reads of one file never overlap.
 *
 * At 1000 sessions and 2000 lines/s (bench:live) nearly every read found one line, and a commit
 * per read (about 130 µs of BEGIN/COMMIT, WAL writes and checkpoints, plus the live update)
 * kept the server a whole core busy and seconds behind. On PostgreSQL a commit takes a few
 * round trips, and a group per turn committed on its own while others were under way put a
 * hundred transactions in the pool's queue, waiting on each other's session rows: commits took
 * a second and node A held 1.6 GB (bench:live --nodes 2, 5000 sessions at 2000 lines/s).
 * Reads go on while a commit is under way (its two or three round trips overlap them): making new
 * reads wait for it, needed when a commit was a dozen awaited statements, doubled the two-node
 * p50 (15 ms without, 44 ms with).
 * A group past `maxBytes` or `maxBatches` closes at once, and the read that filled it waits for
 * its commit, so memory stays bounded when reads outpace commits. A failed commit fails every
 * read of its group; their offsets stay where they were, so the next event or the audit reads
 * them again.
 */
function turnCommits(
  ctx: IngestContext,
  { maxBytes, maxBatches, onCommit, remember }: { maxBytes: number; maxBatches: number; onCommit?: (ms: number, batches: number) => void; remember: boolean },
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
  /** With `remember`: each file's source as this watcher last committed it (or read it from the store). */
  const known = remember ? new Map<string, SourceState>() : null;

  const apply = async (group: Group): Promise<void> => {
    try {
      const started = performance.now();
      const applied = await ctx.store.applyBatches(group.batches);
      onCommit?.(performance.now() - started, group.batches.length);
      ctx.onApplied?.(applied, group.file);
      group.settle();
    } catch (error) {
      group.settle(error as Error);
    }
  };

  /** Starts the next commit, unless one is under way. */
  const pump = (): void => {
    if (committing) return;
    let group = closed.shift();
    if (!group && open?.ready) {
      group = open;
      open = null;
    }
    if (!group) return;
    committing = apply(group).finally(() => {
      committing = null;
      pump();
    });
  };

  const join = (file: TranscriptFile): Group => {
    if (open) return open;
    let settle: Group['settle'] = () => {};
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    done.catch(() => {}); // each reader awaits it and sees the error; never unhandled
    const group: Group = { batches: [], bytes: 0, file, done, settle, ready: false };
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
    const source = known?.get(file.absPath) ?? (await ctx.store.sources([file]))[0];
    if (!source) return;
    let offset = source.offset;
    let last: Group | null = null;
    let lastBatch: IngestBatch | null = null;
    try {
      for (const read of readSource(file, source, ctx)) {
        if (read.kind === 'file-problem') {
          await ctx.store.recordFileProblem(file.claudeDir, file.relPath, read.problem, read.detail);
          continue;
        }
        const group = join(file);
        group.batches.push(read.batch);
        group.bytes += read.batch.nextOffset - (read.batch.rewind ? 0 : offset);
        offset = read.batch.nextOffset;
        last = group;
        lastBatch = read.batch;
        if (group.bytes >= maxBytes || group.batches.length >= maxBatches) {
          close(group);
          await group.done; // a later batch must never be committed without this one
        }
      }
      if (last) await last.done;
    } catch (error) {
      known?.delete(file.absPath); // ask the store again
      throw error;
    }
    known?.set(file.absPath, lastBatch ? committed(source, lastBatch) : source);
  };

  return { read, offset: (absPath) => known?.get(absPath)?.offset };
}

/** The source as the store holds it once `batch`, its last batch, is committed. */
function committed(source: SourceState, batch: IngestBatch): SourceState {
  return { ...source, offset: batch.nextOffset, lineCount: batch.nextLineCount, ino: batch.identity.ino, size: batch.identity.size, tail: batch.nextTail };
}

/**
 * Shares the event loop between reads and everything else. A read starts only in a turn's check
 * phase (setImmediate), and only while that turn's slice lasts; the rest wait for the next turn.
 * Reading in the file event's own callback kept the loop in its poll phase while appends kept
 * coming (libuv reads inotify events for as long as there are any), and a turn that read every
 * changed file took seconds: under bench:live's load (1000 sessions, 2000 lines/s) WebSocket
 * handshakes took 15 s at the median and metric_update, sent from a timer, was seconds late.
 */
function readingTurns(sliceMs: number): () => Promise<void> {
  let sliceEnds = 0;
  let resetQueued = false;
  return async () => {
    while (performance.now() >= sliceEnds) {
      if (!resetQueued) {
        // Queued ahead of the waiting reads, so it runs first in the next check phase.
        resetQueued = true;
        setImmediate(() => {
          resetQueued = false;
          sliceEnds = performance.now() + sliceMs;
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}
