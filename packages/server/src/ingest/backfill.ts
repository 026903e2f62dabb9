import fs from 'node:fs/promises';
import { discoverTranscripts, type TranscriptFile } from './discover.js';
import { ingestFile, type IngestContext } from './ingestFile.js';

export interface BackfillProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  lines: number;
}

export interface BackfillSummary {
  files: number;
  bytes: number;
  lines: number;
  problems: number;
  seconds: number;
}

/** Reads every transcript under the claude dirs up to its current end. */
export async function backfill(
  ctx: IngestContext,
  claudeDirs: string[],
  onProgress?: (progress: BackfillProgress) => void,
): Promise<BackfillSummary> {
  const started = performance.now();
  const files: TranscriptFile[] = [];
  let problems = 0;
  for (const dir of claudeDirs) {
    const found = await discoverTranscripts(dir);
    files.push(...found.files);
    for (const p of found.problems) {
      await ctx.store.recordFileProblem(p.claudeDir, p.relPath, p.kind, p.detail);
      problems++;
    }
  }
  const sizes = await Promise.all(files.map((f) => fs.stat(f.absPath).then((s) => s.size, () => 0)));
  const progress: BackfillProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: sizes.reduce((a, b) => a + b, 0), lines: 0 };
  onProgress?.(progress);
  for (const [i, file] of files.entries()) {
    const result = await ingestFile(ctx, file);
    problems += result.problems;
    progress.filesDone++;
    progress.bytesDone += sizes[i] ?? 0;
    progress.lines += result.lines;
    onProgress?.(progress);
  }
  return {
    files: files.length,
    bytes: progress.bytesTotal,
    lines: progress.lines,
    problems,
    seconds: (performance.now() - started) / 1000,
  };
}
