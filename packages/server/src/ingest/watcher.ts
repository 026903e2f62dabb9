import fs from 'node:fs';
import path from 'node:path';
import { describeFile, discoverTranscripts, projectsDir } from './discover.js';
import { ingestFile, type IngestContext } from './ingestFile.js';
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
  /** Milliseconds from a file event to the end of the read it caused. */
  onRead?: (lagMs: number) => void;
  /**
   * How often every transcript's size is compared with what was read (0: never). When the
   * kernel's inotify queue overflows (a server busy for a while), the events past it are gone,
   * and libuv does not report the overflow: a file changed then is read here, or never.
   */
  auditEveryMs?: number;
}

export const DEFAULT_AUDIT_MS = 10_000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
/** Reads take at most about this much of one event-loop turn; then sockets and timers get theirs. */
const READ_SLICE_MS = 50;

export function watchTranscripts(ctx: IngestContext, claudeDirs: string[], options: WatchOptions = {}): TranscriptWatcher {
  const turn = readingTurns(READ_SLICE_MS);
  const running = new Map<string, Promise<void>>();
  let closed = false;
  const again = new Set<string>();

  const schedule = (claudeDir: string, absPath: string): void => {
    if (running.has(absPath)) {
      again.add(absPath);
      return;
    }
    const relPath = path.relative(projectsDir(claudeDir), absPath).split(path.sep).join('/');
    const since = performance.now();
    const run = (async () => {
      do {
        await turn();
        again.delete(absPath); // events until now fold into this read
        await ingestFile(ctx, describeFile(claudeDir, relPath));
      } while (again.has(absPath));
      failures.delete(absPath);
      options.onRead?.(performance.now() - since);
    })()
      .catch((error: Error) => {
        options.onError?.(error);
        retry(claudeDir, absPath);
      })
      .finally(() => running.delete(absPath));
    running.set(absPath, run);
  };

  // A read that failed (the database unreachable) committed nothing: the file itself holds the
  // lines, so it is read again from the stored offset, sooner at first, then every RETRY_MAX_MS.
  const failures = new Map<string, number>();
  const retries = new Set<NodeJS.Timeout>();
  const retry = (claudeDir: string, absPath: string): void => {
    if (closed) return;
    const attempt = (failures.get(absPath) ?? 0) + 1;
    failures.set(absPath, attempt);
    const timer = setTimeout(() => {
      retries.delete(timer);
      if (!closed) schedule(claudeDir, absPath);
    }, Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS));
    timer.unref?.();
    retries.add(timer);
  };

  const trees = claudeDirs.map((claudeDir) => watchTree(projectsDir(claudeDir), (file) => schedule(claudeDir, file), options));

  const audit = async () => {
    for (const claudeDir of claudeDirs) {
      if (closed) return;
      const { files } = await discoverTranscripts(claudeDir);
      if (closed) return;
      const sources = await ctx.store.sources(files);
      files.forEach((file, i) => {
        if (sizeOf(file.absPath) > (sources[i]?.offset ?? 0)) schedule(claudeDir, file.absPath);
      });
    }
  };
  const auditEveryMs = options.poll ? 0 : (options.auditEveryMs ?? DEFAULT_AUDIT_MS);
  const auditor = auditEveryMs > 0 ? setInterval(() => void audit().catch((error: Error) => options.onError?.(error)), auditEveryMs) : null;
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
      for (const timer of retries) clearTimeout(timer);
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
