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
}

export function watchTranscripts(ctx: IngestContext, claudeDirs: string[], options: WatchOptions = {}): TranscriptWatcher {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();

  const schedule = (claudeDir: string, absPath: string): void => {
    if (running.has(absPath)) {
      again.add(absPath);
      return;
    }
    const relPath = path.relative(projectsDir(claudeDir), absPath).split(path.sep).join('/');
    const since = performance.now();
    const run = (async () => {
      // The read waits for the event loop's next turn. Under load, file events arrive faster than
      // reads finish, and libuv reads inotify events for as long as there are any: reading in the
      // event's callback starved HTTP and WebSocket handshakes (bench:live, 1000 sessions at
      // 2000 lines/s: /healthz unanswered for minutes). Events meanwhile fold into this read.
      await new Promise((resolve) => setImmediate(resolve));
      do {
        again.delete(absPath);
        await ingestFile(ctx, describeFile(claudeDir, relPath));
      } while (again.has(absPath));
      options.onRead?.(performance.now() - since);
    })()
      .catch((error: Error) => options.onError?.(error))
      .finally(() => running.delete(absPath));
    running.set(absPath, run);
  };

  const trees = claudeDirs.map((claudeDir) => watchTree(projectsDir(claudeDir), (file) => schedule(claudeDir, file), options));

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
      for (const tree of trees) tree.close();
      await this.idle();
    },
  };
}
