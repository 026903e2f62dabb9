// The backfill's compact list of files to read: each job is made, whole, when it is handed out.
import { describe, expect, it } from 'vitest';
import type { SourceState } from '../store/repository.js';
import { describeFile } from './discover.js';
import { JobList } from './jobList.js';
import { packPaths, relPathAt } from './planFiles.js';

const source = (id: number, claudeDir: string, relPath: string, over: Partial<SourceState> = {}): SourceState => ({
  id, claudeDir, relPath, offset: 0, lineCount: 0, ino: 0, size: 0, tail: Buffer.alloc(0), ...over,
});

describe('JobList', () => {
  const list = [
    { claudeDir: '/home/a/.claude', relPath: 'p1/s1.jsonl', size: 100, recent: true },
    { claudeDir: '/home/b/.claude', relPath: 'p2/s2/subagents/agent-x1.jsonl', size: 40, recent: true },
    { claudeDir: '/home/a/.claude', relPath: 'p3/old.jsonl', size: 7, recent: false },
  ];
  const files = list;
  const plan = (entries: typeof list) => {
    const dirs = [...new Set(entries.map((f) => f.claudeDir))];
    return {
      dirs,
      dirOf: Uint16Array.from(entries, (f) => dirs.indexOf(f.claudeDir)),
      paths: packPaths(entries.map((f) => f.relPath)),
      sizes: Float64Array.from(entries, (f) => f.size),
      recents: Uint8Array.from(entries, (f) => (f.recent ? 1 : 0)),
    };
  };

  it('sums what it holds, and gives each file its described file and stored state', () => {
    const jobs = new JobList(plan(files));
    expect([jobs.length, jobs.bytesTotal, jobs.recentCount]).toEqual([3, 147, 2]);
    const stored = source(12, files[2]!.claudeDir, files[2]!.relPath, { offset: 5, lineCount: 1, ino: 2 ** 40 + 3, size: 6, tail: Buffer.from('{"a":1}') });
    jobs.setSources(0, [source(10, files[0]!.claudeDir, files[0]!.relPath), source(11, files[1]!.claudeDir, files[1]!.relPath)]);
    jobs.setSources(2, [stored]);
    for (const [i, file] of files.entries()) {
      expect(jobs.ref(i)).toEqual({ claudeDir: file.claudeDir, relPath: file.relPath });
      expect([jobs.size(i), jobs.recent(i)]).toEqual([file.size, file.recent]);
      expect(jobs.job(i).file).toEqual(describeFile(file.claudeDir, file.relPath));
    }
    expect(jobs.job(1).file.agentId).toBe('x1');
    expect(jobs.job(0).from).toEqual(source(10, files[0]!.claudeDir, files[0]!.relPath));
    expect(jobs.job(2).from).toEqual(stored);
  });

  it('holds nothing for an empty plan', () => {
    const jobs = new JobList(plan([]));
    expect([jobs.length, jobs.bytesTotal, jobs.recentCount]).toEqual([0, 0, 0]);
  });

  it('keeps paths as bytes and gives each back as it was: non-ASCII, a newline in a name, an empty list', () => {
    const relPaths = ['-home-zoë/ünïcode-🙂.jsonl', '-p/line\nbreak.jsonl', '-p/plain.jsonl'];
    const paths = packPaths(relPaths);
    expect(Array.from(paths.ends, (_, i) => relPathAt(paths, i))).toEqual(relPaths);
    expect(paths.bytes.byteLength).toBe(relPaths.reduce((sum, p) => sum + Buffer.byteLength(p), 0));
    expect(packPaths([]).ends.length).toBe(0);
  });
});
