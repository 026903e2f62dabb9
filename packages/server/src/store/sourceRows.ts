import path from 'node:path';
import type { HealthReport } from '@claudelens/protocol';
import type { StoredFile } from './repository.js';

/** A transcript file's row (`sources`), as both drivers read it. */
export interface SourceRow {
  id: number;
  claude_dir: string;
  rel_path: string;
  byte_offset: number;
  line_count: number;
  ino: number;
  size: number;
  tail: Buffer;
}

/** What the watcher asks of a file at start-up: how far it was read, and the identity it had then. */
export type StoredFileRow = Pick<SourceRow, 'claude_dir' | 'rel_path' | 'byte_offset' | 'ino' | 'size'> & { mtime_ms: number };

export function toStoredFile(row: StoredFileRow): StoredFile {
  return { claudeDir: row.claude_dir, relPath: row.rel_path, offset: row.byte_offset, ino: row.ino, size: row.size, mtimeMs: row.mtime_ms };
}

/** A problem found reading a file (`problems`); byte_offset is -1 for a problem of the whole file. */
export interface ProblemRow {
  claude_dir: string;
  rel_path: string;
  line_no: number | null;
  byte_offset: number;
  kind: string;
  detail: string;
  seen_at: string;
}

export function toHealthProblem(p: ProblemRow): HealthReport['problems'][number] {
  return {
    file: path.join(p.claude_dir, 'projects', p.rel_path),
    line: p.line_no,
    byteOffset: p.byte_offset < 0 ? null : p.byte_offset,
    kind: p.kind,
    detail: p.detail,
    seenAt: p.seen_at,
  };
}
