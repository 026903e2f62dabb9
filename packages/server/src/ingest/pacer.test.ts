// The audit's pacing: background work rests on a timer once it has had its share of the loop,
// and the walk of the projects folder asks before each folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { discoverTranscripts } from './discover.js';
import { pacer } from './watcher.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('pacer', () => {
  it('lets work go on for workMs, then rests restMs on a timer, then counts again from the rest', async () => {
    vi.useFakeTimers();
    const clock = { now: 1000 };
    const pace = pacer(4, 20, () => clock.now);
    expect(pace()).toBeUndefined();
    clock.now += 3.9;
    expect(pace()).toBeUndefined();
    clock.now += 0.1;
    const rest = pace();
    expect(rest).toBeInstanceOf(Promise);
    let rested = false;
    void rest?.then(() => (rested = true));
    await vi.advanceTimersByTimeAsync(19);
    expect(rested).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(rested).toBe(true);
    expect(pace()).toBeUndefined(); // the budget starts again after the rest
    clock.now += 4;
    expect(pace()).toBeInstanceOf(Promise);
  });
});

describe('discoverTranscripts with a pace', () => {
  it('asks before each folder, and finds the same files in the same order as without', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-pace-'));
    try {
      for (const rel of ['p1/a.jsonl', 'p1/s1/subagents/agent-x.jsonl', 'p2/b.jsonl', 'p2/notes.txt', 'p3/c.jsonl']) {
        fs.mkdirSync(path.join(home, 'projects', path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(home, 'projects', rel), '');
      }
      let asked = 0;
      const paced = await discoverTranscripts(home, () => {
        asked++;
        return asked % 2 === 0 ? new Promise((resolve) => setTimeout(resolve, 1)) : undefined;
      });
      expect(asked).toBe(6); // projects/, p1, p1/s1, p1/s1/subagents, p2, p3
      expect(paced.files.map((f) => f.relPath)).toEqual(['p1/a.jsonl', 'p1/s1/subagents/agent-x.jsonl', 'p2/b.jsonl', 'p3/c.jsonl']);
      expect(paced).toEqual(await discoverTranscripts(home));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
