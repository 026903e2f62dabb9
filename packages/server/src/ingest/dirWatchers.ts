import { watchTranscripts, type TranscriptWatcher, type WatchOptions } from './watcher.js';
import type { IngestContext } from './ingestSource.js';

/**
 * One watcher per claude dir, started and stopped as this node gains and loses the dirs (source
 * leases on a shared database); as a whole it is a TranscriptWatcher over the dirs held now.
 */
export class DirWatchers implements TranscriptWatcher {
  private readonly watchers = new Map<string, TranscriptWatcher>();

  constructor(
    private readonly ctx: IngestContext,
    private readonly options: WatchOptions,
  ) {}

  dirs(): string[] {
    return [...this.watchers.keys()];
  }

  /** Starts following the dirs and reads what they gained since their stored offsets (`rescan`: false, when a backfill does). */
  async add(claudeDirs: string[], rescan = true): Promise<void> {
    const added: TranscriptWatcher[] = [];
    for (const dir of claudeDirs) {
      if (this.watchers.has(dir)) continue;
      const watcher = watchTranscripts(this.ctx, [dir], this.options);
      this.watchers.set(dir, watcher);
      added.push(watcher);
    }
    if (rescan) await Promise.all(added.map((watcher) => watcher.rescan()));
  }

  /** Stops following the dirs (another node holds them now); reads in flight finish. */
  async remove(claudeDirs: string[]): Promise<void> {
    const removed = claudeDirs.flatMap((dir) => {
      const watcher = this.watchers.get(dir);
      this.watchers.delete(dir);
      return watcher ? [watcher] : [];
    });
    await Promise.all(removed.map((watcher) => watcher.close()));
  }

  async rescan(): Promise<void> {
    await Promise.all([...this.watchers.values()].map((watcher) => watcher.rescan()));
  }

  async idle(): Promise<void> {
    await Promise.all([...this.watchers.values()].map((watcher) => watcher.idle()));
  }

  async close(): Promise<void> {
    await this.remove(this.dirs());
  }
}
