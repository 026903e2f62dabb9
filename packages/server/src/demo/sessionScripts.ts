import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One transcript line of a script, with what the replay and the load benchmark need to know of it. */
export interface ScriptLine {
  /** The line as recorded, with its original ids and its "\n". */
  text: string;
  /** Index into the script's `files`. */
  file: number;
  type: string;
  uuid: string | null;
  sessionId: string | null;
  /** Original time of the line (ms); a line without a timestamp takes its predecessor's. */
  atMs: number;
}

/** A recorded session: its main transcript and its subagents' files, lines merged in time order. */
export interface SessionScript {
  project: string;
  sessionId: string;
  /** Paths relative to the project folder, with their original ids. */
  files: string[];
  lines: ScriptLine[];
  /** User and assistant lines: what becomes a `new_message`. */
  messages: number;
}

const UUID_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The real transcripts bundled with the repository (fixtures/claude-home, MIT). */
export function bundledProjectsDir(): string {
  return fileURLToPath(new URL('../../../../fixtures/claude-home/projects', import.meta.url));
}

/**
 * Reads every session under a `projects/` folder into a script: files are grouped by the session
 * they belong to (`<id>.jsonl`, `<id>/subagents/agent-*.jsonl`, and 2.0.x flat `agent-*.jsonl`
 * files by the sessionId inside), and their lines merged by timestamp, each file's order kept.
 */
export function loadSessionScripts(projectsDir: string): SessionScript[] {
  const scripts: SessionScript[] = [];
  for (const project of readDir(projectsDir).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const groups = new Map<string, { file: string; lines: ScriptLine[] }[]>();
    for (const file of listTranscripts(path.join(projectsDir, project))) {
      const lines = readLines(path.join(projectsDir, project, file));
      const key = sessionOf(file, lines);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push({ file, lines });
    }
    for (const [sessionId, files] of groups) {
      // The main transcript first, so that it wins ties in the merge.
      files.sort((a, b) => Number(b.file === `${sessionId}.jsonl`) - Number(a.file === `${sessionId}.jsonl`) || a.file.localeCompare(b.file));
      const all = files.flatMap((f, index) => f.lines.map((line) => ({ ...line, file: index })));
      const start = Math.min(...all.map((l) => l.atMs).filter((ms) => !Number.isNaN(ms)));
      for (const line of all) if (Number.isNaN(line.atMs)) line.atMs = Number.isFinite(start) ? start : 0;
      // Each file's times never decrease, so a stable sort merges without reordering a file.
      const lines = all.sort((a, b) => a.atMs - b.atMs);
      const messages = lines.filter(isMessage).length;
      scripts.push({ project, sessionId, files: files.map((f) => f.file), lines, messages });
    }
  }
  return scripts;
}

/** A line the server turns into a `new_message` (when its (session, uuid) is new). */
export function isMessage(line: { type: string; uuid: string | null; sessionId: string | null }): boolean {
  return (line.type === 'user' || line.type === 'assistant') && line.uuid !== null && line.sessionId !== null;
}

function sessionOf(file: string, lines: ScriptLine[]): string {
  const [first] = file.split('/');
  const stem = path.posix.basename(file, '.jsonl');
  if (first && first !== file && UUID_NAME.test(first)) return first; // <session>/subagents/agent-*.jsonl
  if (UUID_NAME.test(stem)) return stem;
  return lines.find((l) => l.sessionId)?.sessionId ?? stem;
}

/** Lines with non-decreasing times: a line stamped earlier than its predecessor keeps the predecessor's time. */
function readLines(file: string): ScriptLine[] {
  const lines: ScriptLine[] = [];
  let last = Number.NaN;
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    let value: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) value = parsed as Record<string, unknown>;
    } catch {
      // replayed as it is: the server reports it as a problem, as it would for the real file
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const stamped = Date.parse(str(value.timestamp) ?? '');
    if (!Number.isNaN(stamped)) last = Number.isNaN(last) ? stamped : Math.max(last, stamped);
    lines.push({ text: `${text}\n`, file: 0, type: str(value.type) ?? 'unknown', uuid: str(value.uuid), sessionId: str(value.sessionId), atMs: last });
  }
  // Leading lines without a timestamp take the first one found (none: NaN, the session's start).
  const first = lines.find((l) => !Number.isNaN(l.atMs))?.atMs ?? Number.NaN;
  for (const line of lines) {
    if (!Number.isNaN(line.atMs)) break;
    line.atMs = first;
  }
  return lines;
}

function listTranscripts(dir: string, prefix = ''): string[] {
  return readDir(dir).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return listTranscripts(path.join(dir, e.name), rel);
    return e.name.endsWith('.jsonl') ? [rel] : [];
  });
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
