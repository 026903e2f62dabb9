import { NO_TAIL, type SourceState } from '../store/repository.js';
import { describeFile, type FileRef } from './discover.js';
import type { IngestJob } from './groupedIngest.js';
import { relPathAt, type FilePlan, type PackedPaths } from './planFiles.js';

/**
 * A backfill's files to read, held compactly: a history of 75,000 files kept a file object (with
 * its absolute path), a source object and a job object for each one through the whole import, and
 * the main thread's heap grew with the history (docs/ingest.md, "Memory"). Here a file costs its
 * relative path's bytes and a few numbers; its job is made when it is handed out, and dropped once sent.
 */
export class JobList {
  readonly length: number;
  readonly bytesTotal: number;
  readonly recentCount: number;
  private readonly dirs: string[];
  private readonly dirOf: Uint16Array;
  private readonly paths: PackedPaths;
  private readonly sizes: Float64Array;
  private readonly recents: Uint8Array;
  /** The store's state of each file: id, offset, line count, inode and size, five numbers per file. */
  private readonly states: Float64Array;
  /** The tails that are not empty: only files read before, part-way. */
  private readonly tails = new Map<number, Buffer>();

  constructor(plan: Pick<FilePlan, 'dirs' | 'dirOf' | 'paths' | 'sizes' | 'recents'>) {
    ({ dirs: this.dirs, dirOf: this.dirOf, paths: this.paths, sizes: this.sizes, recents: this.recents } = plan);
    this.length = plan.paths.ends.length;
    this.states = new Float64Array(5 * this.length);
    this.bytesTotal = this.sizes.reduce((sum, size) => sum + size, 0);
    this.recentCount = this.recents.reduce((sum, recent) => sum + recent, 0);
  }

  /** Records the store's state of files `from` .. `from + sources.length - 1`. */
  setSources(from: number, sources: SourceState[]): void {
    for (let k = 0; k < sources.length; k++) {
      const s = sources[k] as SourceState;
      const at = 5 * (from + k);
      this.states[at] = s.id;
      this.states[at + 1] = s.offset;
      this.states[at + 2] = s.lineCount;
      this.states[at + 3] = s.ino;
      this.states[at + 4] = s.size;
      if (s.tail.length > 0) this.tails.set(from + k, s.tail);
    }
  }

  /** The file's claude dir and path, as the store is asked about it. */
  ref(i: number): FileRef {
    return { claudeDir: this.dirs[this.dirOf[i] as number] as string, relPath: relPathAt(this.paths, i) };
  }

  size(i: number): number {
    return this.sizes[i] as number;
  }

  recent(i: number): boolean {
    return this.recents[i] === 1;
  }

  job(i: number): IngestJob {
    const { claudeDir, relPath } = this.ref(i);
    const s = this.states;
    const at = 5 * i;
    const from: SourceState = {
      id: s[at] as number,
      claudeDir,
      relPath,
      offset: s[at + 1] as number,
      lineCount: s[at + 2] as number,
      ino: s[at + 3] as number,
      size: s[at + 4] as number,
      tail: this.tails.get(i) ?? NO_TAIL,
    };
    return { file: describeFile(claudeDir, relPath), from };
  }
}
