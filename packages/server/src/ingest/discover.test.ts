// The walk of the projects folder: paced as the audit paces it (it asks before each folder), and
// without a pace, letting the event loop run every YIELD_EVERY folders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverTranscripts, walkTranscripts, YIELD_EVERY } from './discover.js';

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
        return asked % 2 === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined;
      });
      expect(asked).toBe(6); // projects/, p1, p1/s1, p1/s1/subagents, p2, p3
      expect(paced.files.map((f) => f.relPath)).toEqual(['p1/a.jsonl', 'p1/s1/subagents/agent-x.jsonl', 'p2/b.jsonl', 'p3/c.jsonl']);
      expect(paced).toEqual(await discoverTranscripts(home));
      expect(await walkTranscripts(home)).toEqual({ relPaths: paced.files.map((f) => f.relPath), problems: [] });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('discoverTranscripts without a pace', () => {
  it('lets the event loop run every YIELD_EVERY folders, and still finds every file', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-yield-'));
    const folders = 3 * YIELD_EVERY + 3; // plus projects/ itself: listings 0..99, turns after 32, 64 and 96
    try {
      for (let i = 0; i < folders; i++) {
        fs.mkdirSync(path.join(home, 'projects', `p${i}`), { recursive: true });
        fs.writeFileSync(path.join(home, 'projects', `p${i}`, 's.jsonl'), '');
      }
      let turns = 0;
      let walking = true;
      const count = (): void => {
        if (!walking) return;
        turns++;
        setImmediate(count);
      };
      setImmediate(count);
      const found = await discoverTranscripts(home);
      walking = false;
      expect(found.files).toHaveLength(folders);
      expect(turns).toBe(3);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
