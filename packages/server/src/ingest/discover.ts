import fs from 'node:fs';
import path from 'node:path';

/** A transcript file as the store names it. */
export interface FileRef {
  claudeDir: string;
  /** Relative to `<claudeDir>/projects`, with forward slashes. */
  relPath: string;
}

export interface TranscriptFile extends FileRef {
  absPath: string;
  /** From `agent-<id>.jsonl`: 2.0.x flat files and 2.1.x `<session>/subagents/` files. */
  agentId: string | null;
}

export interface DiscoveryProblem {
  claudeDir: string;
  relPath: string;
  kind: string;
  detail: string;
}

const AGENT_FILE = /^agent-(.+)\.jsonl$/;
export const YIELD_EVERY = 32;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Each claude dir's projects folder, joined once: paths are made for every file at start and every live read. */
const projectsDirs = new Map<string, string>();

export function projectsDir(claudeDir: string): string {
  let dir = projectsDirs.get(claudeDir);
  if (dir === undefined) {
    dir = path.join(claudeDir, 'projects');
    projectsDirs.set(claudeDir, dir);
  }
  return dir;
}

/** The file's path on this machine (join turns relPath's forward slashes into the platform's). */
export function absPathOf({ claudeDir, relPath }: FileRef): string {
  return path.join(projectsDir(claudeDir), relPath);
}

export function describeFile(claudeDir: string, relPath: string): TranscriptFile {
  const name = path.posix.basename(relPath);
  return {
    claudeDir,
    relPath,
    absPath: absPathOf({ claudeDir, relPath }),
    agentId: AGENT_FILE.exec(name)?.[1] ?? null,
  };
}

export function isTranscriptPath(file: string): boolean {
  return file.endsWith('.jsonl');
}

/**
 * Every `*.jsonl` under `<claudeDir>/projects`, at any depth, sorted. Unreadable folders are reported.
 * `pace`: awaited before each folder when it returns a promise (the watcher's audit, which walks
 * in the background while the server is serving). Each folder is listed synchronously: a listing
 * takes well under a millisecond, and an awaited one per folder was most of a cold import's walk
 * (docs/ingest.md, "Import speed"). Without a pace the walk still lets the event loop run every
 * `YIELD_EVERY` folders, so a server that walks a large tree at start keeps answering.
 */
export async function discoverTranscripts(
  claudeDir: string,
  pace?: () => Promise<void> | undefined,
): Promise<{ files: TranscriptFile[]; problems: DiscoveryProblem[] }> {
  const { relPaths, problems } = await walkTranscripts(claudeDir, pace);
  return { files: relPaths.map((relPath) => describeFile(claudeDir, relPath)), problems };
}

/**
 * The paths `discoverTranscripts` finds, and nothing else: a backfill of a large history keeps a
 * path per file, not a described file (docs/ingest.md, "Memory").
 */
export async function walkTranscripts(claudeDir: string, pace?: () => Promise<void> | undefined): Promise<{ relPaths: string[]; problems: DiscoveryProblem[] }> {
  const root = projectsDir(claudeDir);
  const relPaths: string[] = [];
  const problems: DiscoveryProblem[] = [];
  const pending = [''];
  for (let listed = 0; pending.length > 0; listed++) {
    if (pace) await pace();
    else if (listed > 0 && listed % YIELD_EVERY === 0) await nextTurn();
    const rel = pending.pop() as string;
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (error) {
      problems.push({ claudeDir, relPath: rel, kind: 'unreadable-folder', detail: (error as Error).message });
      continue;
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) pending.push(child);
      // A symlinked transcript is read through its link (a dangling one is reported when read);
      // symlinked folders are not followed, so a link cycle cannot trap the walk.
      else if (!isTranscriptPath(entry.name)) continue;
      else if (entry.isFile() || entry.isSymbolicLink()) relPaths.push(child);
      // A FIFO, socket or device named *.jsonl is never opened (a FIFO blocks open() until a
      // writer comes); a link to one is caught when read (openRegular).
      else problems.push({ claudeDir, relPath: child, kind: 'not-a-regular-file', detail: 'not a regular file: not read' });
    }
  }
  // In code-unit order: localeCompare's first call loads ICU's collation data (6-7 ms of a start-up).
  relPaths.sort();
  return { relPaths, problems };
}
