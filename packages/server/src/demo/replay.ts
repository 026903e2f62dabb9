import { ReplayPool, type PoolLine } from './replayPool.js';
import { seededRandom } from './seededRandom.js';
import type { SessionScript } from './sessionScripts.js';
import { TranscriptWriter } from './transcriptWriter.js';

export interface ReplaySettings {
  /** The `projects/` folder written into. */
  projectsDir: string;
  scripts: SessionScript[];
  /** Sessions live at once. */
  sessions: number;
  /** Recorded gaps are divided by this. */
  speed: number;
  /** No wait between two lines is longer than this (ms of real time): hours-long pauses become seconds. */
  maxGapMs: number;
  seed: number;
  /** Unique to the run: ids never repeat across runs, even with the same seed and data dir. */
  tagPrefix: string;
}

export interface RunningReplay {
  readonly lines: number;
  readonly sessionsStarted: number;
  stop(): void;
}

/**
 * `claudelens demo`'s generator: replays recorded sessions into a claude folder as if they were
 * happening now, `sessions` at once, until stopped. Which sessions, in which order, and their
 * start offsets follow from `seed`.
 */
export function startReplay(settings: ReplaySettings): RunningReplay {
  const random = seededRandom(settings.seed);
  const pool = new ReplayPool(
    {
      scripts: settings.scripts,
      sessions: settings.sessions,
      random,
      pace: (gapMs) => Math.min(gapMs / settings.speed, settings.maxGapMs),
      startDelay: () => random() * Math.min(settings.maxGapMs, 2000),
      tagPrefix: settings.tagPrefix,
    },
    Date.now(),
  );
  const writer = new TranscriptWriter(settings.projectsDir, 256);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lines = 0;

  const step = () => {
    if (stopped) return;
    const due = pool.due(Date.now());
    for (const [relPath, texts] of byFile(due)) writer.append(relPath, texts.join(''));
    lines += due.length;
    timer = setTimeout(step, Math.max(5, pool.nextDueMs() - Date.now()));
  };
  step();

  return {
    get lines() {
      return lines;
    },
    get sessionsStarted() {
      return pool.sessionsStarted;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      writer.close();
    },
  };
}

/** Lines grouped by file, each file's in order: one write per file. */
export function byFile(lines: PoolLine[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const line of lines) {
    const texts = files.get(line.relPath);
    if (texts) texts.push(line.text);
    else files.set(line.relPath, [line.text]);
  }
  return files;
}
