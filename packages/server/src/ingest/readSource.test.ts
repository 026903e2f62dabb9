// What a read remembers of a file: the tail it hands on is a copy in memory of its own; and a
// file read before that is now something else is refused without blocking.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../config/prices.js';
import { describeFile } from './discover.js';
import { readSource } from './readSource.js';

describe('readSource', () => {
  it("hands on the file's last 128 bytes in a buffer of their own, not a slice of a shared one", () => {
    const claudeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-read-'));
    fs.mkdirSync(path.join(claudeDir, 'projects', 'p'), { recursive: true });
    const file = describeFile(claudeDir, 'p/s1.jsonl');
    const line = (n: number) => `${JSON.stringify({ type: 'user', uuid: `u${n}`, sessionId: 's1', timestamp: '2026-11-22T00:00:00.000Z', message: { role: 'user', content: 'x'.repeat(200) } })}\n`;
    fs.writeFileSync(file.absPath, line(1) + line(2));
    try {
      const from = { id: 1, claudeDir, relPath: 'p/s1.jsonl', offset: 0, lineCount: 0, ino: 0, size: 0, tail: Buffer.alloc(0) };
      const reads = [...readSource(file, from, { prices: loadPriceBook(null) })];
      const last = reads.at(-1);
      if (last?.kind !== 'batch') throw new Error('expected a batch');
      expect(last.batch.entries.map((e) => e.uuid)).toEqual(['u1', 'u2']);
      const tail = last.batch.nextTail;
      expect(tail.equals(fs.readFileSync(file.absPath).subarray(-128))).toBe(true);
      // Buffer.from() of 128 bytes would sit in Node's 8 KB pool and keep all of it alive.
      expect(tail.buffer.byteLength).toBe(128);
    } finally {
      fs.rmSync(claudeDir, { recursive: true, force: true });
    }
  });

  it('a file read before that is now a FIFO, or a link to a device, is a file problem, and the read does not block', () => {
    const claudeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-read-'));
    fs.mkdirSync(path.join(claudeDir, 'projects', 'p'), { recursive: true });
    try {
      const fifo = describeFile(claudeDir, 'p/fifo.jsonl');
      execFileSync('mkfifo', [fifo.absPath]);
      const device = describeFile(claudeDir, 'p/device.jsonl');
      fs.symlinkSync('/dev/zero', device.absPath);
      for (const file of [fifo, device]) {
        // A stored offset past 0: the path was a regular file when it was last read.
        const from = { id: 1, claudeDir, relPath: file.relPath, offset: 10, lineCount: 1, ino: 0, size: 10, tail: Buffer.from('\n') };
        const reads = [...readSource(file, from, { prices: loadPriceBook(null) })];
        expect(reads).toEqual([{ kind: 'file-problem', problem: 'not-a-regular-file', detail: expect.stringContaining('not a regular file') as string }]);
      }
    } finally {
      fs.rmSync(claudeDir, { recursive: true, force: true });
    }
  });
});
