import type { StoredFile } from '../store/repository.js';
import { changedFiles } from './changedFiles.js';
import { walkTranscripts, type DiscoveryProblem, type FileRef } from './discover.js';
import { newestFirst } from './newestFirst.js';

/**
 * The files a backfill reads, in the order it reads them, as columns: file i is
 * `dirs[dirOf[i]]` / `relPathAt(paths, i)` (`dirs`: the claude dirs walked), `sizes[i]` bytes, and `recents[i]` is 1 when its session was
 * modified at or after the recent moment. `files` and `bytes` count every transcript found.
 */
export interface FilePlan {
  dirs: string[];
  dirOf: Uint16Array<ArrayBuffer>;
  paths: PackedPaths;
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
  const plan: FilePlan = {
    dirs: claudeDirs,
    dirOf: new Uint16Array(n),
    paths: packPaths(ordered.map(({ file }) => file.relPath)),
    sizes: new Float64Array(n),
    recents: new Uint8Array(n),
    files: found.length,
    bytes,
    problems,
  };
  for (let i = 0; i < n; i++) {
    const { file, size, groupMtimeMs } = ordered[i] as (typeof ordered)[number];
    plan.dirOf[i] = claudeDirs.indexOf(file.claudeDir);
    plan.sizes[i] = size;
    plan.recents[i] = groupMtimeMs >= recentSinceMs ? 1 : 0;
  }
  return plan;
}

/**
 * Relative paths as one block of UTF-8 and where each one ends. The planner's thread hands its
 * plan over without copying it (the buffers are transferred): 75,000 path strings cloned into the
 * main thread survived its young generation, which grew to its 32 MB maximum and stayed there
 * through the import (docs/ingest.md, "Memory"). A path is made a string when its job is.
 */
export interface PackedPaths {
  bytes: Uint8Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
}

export function packPaths(relPaths: string[]): PackedPaths {
  const ends = new Uint32Array(relPaths.length);
  let total = 0;
  for (let i = 0; i < relPaths.length; i++) ends[i] = total += Buffer.byteLength(relPaths[i] as string);
  const bytes = new Uint8Array(total);
  const view = Buffer.from(bytes.buffer);
  let at = 0;
  for (const relPath of relPaths) at += view.write(relPath, at);
  return { bytes, ends };
}

export function relPathAt({ bytes, ends }: PackedPaths, i: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number);
}
