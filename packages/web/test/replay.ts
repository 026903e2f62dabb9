import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './support';

// A recorded session written again as if live: its main transcript and its subagents' files,
// their lines merged in time order, each appended to its own file in a claude folder with its
// timestamps set to the moment it is written. Ids stay as recorded, so that the store's figures
// can be held to fixtures/oracle.

export const FIXTURE_PROJECTS = path.join(ROOT, 'fixtures/claude-home/projects');

export interface RecordedLine {
  /** Relative to the claude folder's `projects/`. */
  relPath: string;
  text: string;
  atMs: number;
}

/** `<project>/<session>.jsonl` and `<project>/<session>/subagents/*.jsonl`, merged by time (each file's order kept). */
export function recordedSession(project: string, sessionId: string): RecordedLine[] {
  const files = [`${project}/${sessionId}.jsonl`];
  const subagents = path.join(FIXTURE_PROJECTS, project, sessionId, 'subagents');
  if (fs.existsSync(subagents)) for (const name of fs.readdirSync(subagents).sort()) files.push(`${project}/${sessionId}/subagents/${name}`);
  const lines: RecordedLine[] = [];
  for (const relPath of files) {
    let last = 0;
    for (const text of fs.readFileSync(path.join(FIXTURE_PROJECTS, relPath), 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      const stamped = Date.parse(/"timestamp":"([^"]+)"/.exec(text)?.[1] ?? '');
      // A line without a time, or stamped earlier than its predecessor, keeps the predecessor's time: the file's order stays.
      if (!Number.isNaN(stamped)) last = Math.max(last, stamped);
      lines.push({ relPath, text, atMs: last });
    }
  }
  const first = Math.min(...lines.filter((l) => l.atMs > 0).map((l) => l.atMs));
  for (const line of lines) if (line.atMs === 0) line.atMs = first;
  return lines.sort((a, b) => a.atMs - b.atMs); // stable: each file's order is kept
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Appends the lines to `<claudeDir>/projects/…` over about `durationMs`, the recorded gaps scaled
 * down alike, a write every `tickMs` at most; every timestamp of a line becomes the moment it is
 * written. Resolves when the last line is written.
 */
export async function replayInto(claudeDir: string, lines: RecordedLine[], durationMs: number, tickMs = 100): Promise<void> {
  if (lines.length === 0) return;
  const first = lines[0]!.atMs;
  const span = Math.max(1, lines.at(-1)!.atMs - first);
  const start = Date.now();
  let next = 0;
  while (next < lines.length) {
    const elapsed = Date.now() - start;
    const due: RecordedLine[] = [];
    while (next < lines.length && ((lines[next]!.atMs - first) / span) * durationMs <= elapsed) due.push(lines[next++]!);
    if (due.length > 0) {
      const now = new Date().toISOString();
      const byFile = new Map<string, string[]>();
      for (const line of due) {
        const list = byFile.get(line.relPath) ?? [];
        list.push(line.text.replace(/"timestamp":"[^"]*"/g, `"timestamp":"${now}"`));
        byFile.set(line.relPath, list);
      }
      for (const [relPath, texts] of byFile) {
        const file = path.join(claudeDir, 'projects', relPath);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.appendFileSync(file, texts.map((t) => `${t}\n`).join(''));
      }
    }
    await sleep(tickMs);
  }
}

/** Writes the lines at once, as history: their recorded gaps kept, moved so that the last is at `lastMs`. */
export function writeAsOf(claudeDir: string, lines: RecordedLine[], lastMs: number): void {
  const shift = lastMs - Math.max(...lines.map((l) => l.atMs));
  for (const line of lines) {
    const file = path.join(claudeDir, 'projects', line.relPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${line.text.replace(/"timestamp":"[^"]*"/g, `"timestamp":"${new Date(line.atMs + shift).toISOString()}"`)}\n`);
  }
}
