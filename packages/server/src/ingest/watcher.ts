import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { describeFile, discoverTranscripts, isTranscriptPath, projectsDir } from './discover.js';
import { ingestFile, type IngestContext } from './ingestFile.js';

export interface TranscriptWatcher {
  /** Resolves once the watchers are ready. */
  ready: Promise<void>;
  /** Reads every transcript once more: catches what was appended before the watchers were ready. */
  rescan(): Promise<void>;
  /** Resolves when every file read in flight has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Poll instead of file-system events, for file systems without them (network mounts). */
  poll?: boolean;
  pollIntervalMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Follows appends to every transcript under the claude dirs using file-system events.
 * Reads of one file never overlap: an event during a read schedules one more read.
 */
export function watchTranscripts(ctx: IngestContext, claudeDirs: string[], options: WatchOptions = {}): TranscriptWatcher {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();

  const schedule = (claudeDir: string, absPath: string): void => {
    if (!isTranscriptPath(absPath)) return;
    if (running.has(absPath)) {
      again.add(absPath);
      return;
    }
    const relPath = path.relative(projectsDir(claudeDir), absPath).split(path.sep).join('/');
    const run = (async () => {
      do {
        again.delete(absPath);
        await ingestFile(ctx, describeFile(claudeDir, relPath));
      } while (again.has(absPath));
    })()
      .catch((error: Error) => options.onError?.(error))
      .finally(() => running.delete(absPath));
    running.set(absPath, run);
  };

  const watchers: FSWatcher[] = claudeDirs.map((claudeDir) => {
    const watcher = watch(projectsDir(claudeDir), {
      ignoreInitial: true,
      persistent: true,
      usePolling: options.poll ?? false,
      interval: options.pollIntervalMs ?? 500,
      alwaysStat: false,
    });
    watcher.on('add', (file) => schedule(claudeDir, file));
    watcher.on('change', (file) => schedule(claudeDir, file));
    watcher.on('error', (error) => options.onError?.(error as Error));
    return watcher;
  });

  return {
    ready: Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve())))).then(() => undefined),
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
      await Promise.all(watchers.map((w) => w.close()));
      await this.idle();
    },
  };
}
