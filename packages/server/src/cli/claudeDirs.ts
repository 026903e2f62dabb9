import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../config/config.js';
import { isTranscriptPath } from '../ingest/discover.js';

/** What a look at the claude dirs found before import or serve starts reading them. */
export interface ClaudeDirsCheck {
  /** Whether any of them holds a transcript. */
  anyTranscript: boolean;
  /** Dirs with no transcript yet, each with what was expected and the likely fix. */
  warnings: string[];
}

/**
 * A `--claude-dir` one level too deep (`~/.claude/projects`) is refused, since nothing would ever
 * be found under it; a dir with no transcripts yet is a warning (a fresh machine, before Claude Code
 * ran) that names what was expected there. docs/usage.md#claude-dir-checks.
 */
export function checkClaudeDirs(claudeDirs: string[]): ClaudeDirsCheck {
  let found = false;
  const warnings: string[] = [];
  for (const dir of claudeDirs) {
    const projects = path.join(dir, 'projects');
    if (!isDirectory(projects) && looksLikeProjectsFolder(dir)) {
      throw new UsageError(
        `${dir} looks like the projects/ folder itself: --claude-dir takes the Claude config folder that contains projects/ (try --claude-dir ${path.dirname(dir)})`,
      );
    }
    if (!isDirectory(projects)) {
      warnings.push(`no projects/ folder in ${dir}: expected a Claude config folder such as ~/.claude, where Claude Code writes projects/<project>/<session>.jsonl (pass --claude-dir or set CLAUDE_CONFIG_DIR)`);
      continue;
    }
    // The walk stops at the first transcript: import and serve walk the whole tree right after.
    const any = anyTranscript(projects);
    if (!any) warnings.push(`no transcripts (*.jsonl) under ${projects} yet: Claude Code writes them there once a session starts; if yours are elsewhere, pass --claude-dir`);
    found ||= any;
  }
  return { anyTranscript: found, warnings };
}

/** Whether a `*.jsonl` file (or link) lies anywhere under `folder`, looking no further than the first. */
function anyTranscript(folder: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => isTranscriptPath(e.name) && (e.isFile() || e.isSymbolicLink()))) return true;
  return entries.some((e) => e.isDirectory() && anyTranscript(path.join(folder, e.name)));
}

/** Named `projects`, or holding project folders (`-home-me-app/…jsonl`) directly. */
function looksLikeProjectsFolder(dir: string): boolean {
  if (path.basename(dir) === 'projects') return true;
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((entry) => entry.isDirectory() && entry.name.startsWith('-') && hasTranscript(path.join(dir, entry.name)));
  } catch {
    return false;
  }
}

function hasTranscript(folder: string): boolean {
  try {
    return fs.readdirSync(folder).some((name) => name.endsWith('.jsonl'));
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
