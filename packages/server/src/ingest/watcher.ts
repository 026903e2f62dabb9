import fs from 'node:fs';
import path from 'node:path';
import { changedFiles } from './changedFiles.js';
import { absPathOf, describeFile, discoverTranscripts, projectsDir, type TranscriptFile } from './discover.js';
import { groupCommits } from './groupCommits.js';
import type { IngestContext } from './ingestSource.js';
import { pacer } from './pacer.js';
import { retryBackoff } from './retryBackoff.js';
import { watchTree, type HeldTree, type TreeWatcherOptions } from './treeWatcher.js';

export interface TranscriptWatcher {
  /** Reads every transcript once more: catches what was appended before the watchers were ready. */
  rescan(): Promise<void>;
  /** Resolves when every file read in flight has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions extends TreeWatcherOptions {
  /** Milliseconds from a file event to its lines being committed (the earliest event a read covers). */
  onRead?: (lagMs: number) => void;
  /** Milliseconds one group commit took in the store, and how many reads it held. */
  onCommit?: (ms: number, batches: number) => void;
  /**
   * The watcher remembers what it committed for each file instead of asking the store before every
   * read: a round trip per read on PostgreSQL, and on SQLite a row read per read, 6-9% of serve's
   * CPU at 5000 lines/s (docs/ingest.md, "Reading under load"). Another writer of the same files'
   * offsets (`claudelens import` beside `serve` on one SQLite file, a lost PostgreSQL commit) is
   * found by IngestBatch.expectOffset: the group is refused, and the files are asked for again.
   */
  rememberOffsets?: boolean;
  /**
   * Files changed before this settles are read once it has (the audit waits too): `serve` watches
   * before its start-up read, so that what changes during that read is caught without reading
   * every file once more, and reads only once the live state is seeded.
   */
  holdReadsUntil?: Promise<unknown>;
  /** Milliseconds at least between the starts of two commits (groupCommits' `spacingMs`): REMOTE_COMMIT_SPACING_MS on PostgreSQL. */
  commitSpacingMs?: number;
  /**
   * How often every transcript's size is compared with what was read (0: never). When the
   * kernel's inotify queue overflows (a server busy for a while), the events past it are gone,
   * and libuv does not report the overflow: a file changed then is read here, or never.
   */
  auditEveryMs?: number;
  /**
   * Trees watched already, by claude dir, taken (once) instead of starting one: `serve` starts
   * watching before it loads the server (cli/serve/earlyStart.ts).
   */
  heldTrees?: Map<string, HeldTree>;
}

export const DEFAULT_AUDIT_MS = 10_000;
/** Reads take at most about this much of one event-loop turn; then sockets and timers get theirs. */
const READ_SLICE_MS = 50;
/**
 * The audit works for this long at most, then rests, so it keeps to a small share of the loop;
 * in slices of one per loop turn it took much of a loaded node's loop (docs/ingest.md, "Reading
 * under load").
 */
const AUDIT_WORK_MS = 4;
const AUDIT_REST_MS = 20;
/**
 * The audit asks the store for this many files' offsets at a time, between its rests: asked for
 * all at once, 10,000 files held SQLite's connection, and the loop, for tens of ms every 10 s.
 */
export const AUDIT_QUERY_FILES = 256;

/**
 * Follows appends to every transcript under the claude dirs using file-system events.
 * Reads of one file never overlap: an event during a read schedules one more read.
 */
export function watchTranscripts(ctx: IngestContext, claudeDirs: string[], options: WatchOptions = {}): TranscriptWatcher {
  const turn = readingTurns(READ_SLICE_MS);
  const auditPace = pacer(AUDIT_WORK_MS, AUDIT_REST_MS);
  const ingest = groupCommits(ctx, { onCommit: options.onCommit, remember: options.rememberOffsets ?? false, spacingMs: options.commitSpacingMs });
  const running = new Map<string, Promise<void>>();
  let closed = false;
  /** Files with events during their read, each with the time of the first such event. */
  const again = new Map<string, number>();
  const retries = retryBackoff();
  let holding = options.holdReadsUntil ?? null;
  void holding?.then(() => (holding = null));

  const schedule = (claudeDir: string, absPath: string): void => {
    if (running.has(absPath)) {
      if (!again.has(absPath)) again.set(absPath, performance.now());
      return;
    }
    const relPath = path.relative(projectsDir(claudeDir), absPath).split(path.sep).join('/');
    let since = performance.now();
    const run = (async () => {
      for (;;) {
        if (holding) await holding;
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

  const trees = claudeDirs.map((claudeDir) => {
    const onFile = (file: string) => schedule(claudeDir, file);
    const held = options.heldTrees?.get(claudeDir);
    if (!held) return watchTree(projectsDir(claudeDir), onFile, options);
    options.heldTrees?.delete(claudeDir); // one watcher's: a dir followed again later gets a tree of its own
    held.release(onFile);
    return held;
  });

  /** Rests when the audit has had its share of the loop; false once the watcher is closed. */
  const auditGoesOn = async (): Promise<boolean> => {
    await auditPace();
    return !closed;
  };
  const audit = async () => {
    for (const claudeDir of claudeDirs) {
      if (closed) return;
      const { files } = await discoverTranscripts(claudeDir, auditPace);
      if (closed) return;
      // A stat per file, paced, so lines arriving meanwhile do not wait for all of them; files
      // read before need no query when their offsets are remembered, the others are asked for
      // after, AUDIT_QUERY_FILES at a time (docs/ingest.md, "Reading under load").
      const unknown: TranscriptFile[] = [];
      for (const file of files) {
        if (!(await auditGoesOn())) return;
        const offset = ingest.offset(file.absPath);
        if (offset === undefined) unknown.push(file);
        else if (sizeOf(file.absPath) > offset) schedule(claudeDir, file.absPath);
      }
      for (let start = 0; start < unknown.length; start += AUDIT_QUERY_FILES) {
        if (!(await auditGoesOn())) return;
        const some = unknown.slice(start, start + AUDIT_QUERY_FILES);
        const sources = await ctx.store.sources(some);
        for (const [i, file] of some.entries()) {
          if (!(await auditGoesOn())) return;
          if (sizeOf(file.absPath) > (sources[i]?.offset ?? 0)) schedule(claudeDir, file.absPath);
        }
      }
    }
  };
  const auditEveryMs = options.poll ? 0 : (options.auditEveryMs ?? DEFAULT_AUDIT_MS);
  // One audit at a time: its walk awaits a readdir per folder, and under load a walk outlasted the
  // interval, so walks piled up, each holding its list of files (docs/ingest.md, "Reading under load").
  let auditing = false;
  const auditor =
    auditEveryMs > 0
      ? setInterval(() => {
          if (auditing || holding) return;
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
        // Only the files changed since their last committed read: a restart reads nothing again.
        const { changed } = changedFiles(await ctx.store.storedFiles([claudeDir]), files);
        for (const { file } of changed) schedule(claudeDir, absPathOf(file));
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

/**
 * Shares the event loop between reads and everything else. A read starts only in a turn's check
 * phase (setImmediate), and only while that turn's slice lasts; the rest wait for the next turn.
 * Reading in the file event's own callback kept the loop in its poll phase while appends kept
 * coming (libuv reads inotify events for as long as there are any), and sockets and timers
 * starved (docs/ingest.md, "Reading under load").
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
