import type { StoredFile } from '../store/repository.js';
import { changedFiles } from './changedFiles.js';
import { walkTranscripts, type DiscoveryProblem, type FileRef } from './discover.js';
import { newestFirst } from './newestFirst.js';

/**
 * The files a backfill reads, in the order it reads them, as columns: file i is
 * `dirs[dirOf[i]]` / `relPaths[i]` (`dirs`: the claude dirs walked), `sizes[i]` bytes, and `recents[i]` is 1 when its session was
 * modified at or after the recent moment. `files` and `bytes` count every transcript found.
 */
export interface FilePlan {
  dirs: string[];
  dirOf: Uint16Array<ArrayBuffer>;
  relPaths: string[];
  sizes: Float64Array<ArrayBuffer>;
  recents: Uint8Array<ArrayBuffer>;
  files: number;
  bytes: number;
  problems: DiscoveryProblem[];
}

/**
 * Walks the claude dirs, keeps the files that changed since the store last read them
 * (changedFiles), and orders them newest first (newestFirst). Everything but the plan is garbage
 * once it returns: on a cold start it runs in a thread of its own (planWorker.ts), whose heap
 * goes when the thread ends.
 */
export async function planFiles(claudeDirs: string[], stored: StoredFile[], recentSinceMs: number): Promise<FilePlan> {
  const found: FileRef[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const claudeDir of claudeDirs) {
    const walked = await walkTranscripts(claudeDir);
    for (const relPath of walked.relPaths) found.push({ claudeDir, relPath });
    problems.push(...walked.problems);
  }
  const { changed, bytes } = changedFiles(stored, found);
  const ordered = newestFirst(changed);
  const n = ordered.length;
  const plan: FilePlan = { dirs: claudeDirs, dirOf: new Uint16Array(n), relPaths: new Array<string>(n), sizes: new Float64Array(n), recents: new Uint8Array(n), files: found.length, bytes, problems };
  for (let i = 0; i < n; i++) {
    const { file, size, groupMtimeMs } = ordered[i] as (typeof ordered)[number];
    plan.dirOf[i] = claudeDirs.indexOf(file.claudeDir);
    plan.relPaths[i] = file.relPath;
    plan.sizes[i] = size;
    plan.recents[i] = groupMtimeMs >= recentSinceMs ? 1 : 0;
  }
  return plan;
}
