// The live path reads in small batches: they must read exactly what one big batch reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPriceBook } from '../config/prices.js';
import type { IngestBatch } from '../store/repository.js';
import { describeFile } from './discover.js';
import { readSource } from './readSource.js';

const claudeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-pieces-'));
afterAll(() => fs.rmSync(claudeDir, { recursive: true, force: true }));

function batches(maxBatchBytes?: number): IngestBatch[] {
  const from = { id: 1, claudeDir, relPath: 'p/s1.jsonl', offset: 0, lineCount: 0, ino: 0, size: 0, tail: Buffer.alloc(0) };
  return [...readSource(describeFile(claudeDir, 'p/s1.jsonl'), from, { prices: loadPriceBook(null), maxBatchBytes })].flatMap((read) => {
    if (read.kind === 'reading') return []; // a long line's read in progress: no batch yet
    if (read.kind !== 'batch') throw new Error(read.kind === 'file-problem' ? read.detail : `unexpected ${read.kind} read`);
    return [read.batch];
  });
}

describe('readSource with maxBatchBytes', () => {
  it('cuts on line ends, chains the offsets, and reads the same lines, problems and tail as one batch', () => {
    fs.mkdirSync(path.join(claudeDir, 'projects', 'p'), { recursive: true });
    const lines: string[] = [];
    for (let n = 1; n <= 300; n++) {
      // Lines of every length around the piece size, a bad one, and a half-written last one.
      const text = 'x'.repeat((n * 37) % 900);
      lines.push(n === 150 ? '{oops' : JSON.stringify({ type: 'user', uuid: `u${n}`, sessionId: 's1', timestamp: '2026-11-22T00:00:00.000Z', message: { role: 'user', content: text } }));
    }
    fs.writeFileSync(path.join(claudeDir, 'projects', 'p', 's1.jsonl'), `${lines.join('\n')}\n{"type":"user","uuid":"half`);
    const whole = batches();
    const pieces = batches(1024);
    expect(pieces.length).toBeGreaterThan(50);
    let offset = 0;
    for (const batch of pieces) {
      const starts = [...batch.entries.map((e) => e.byteOffset), ...batch.problems.map((p) => p.byteOffset ?? offset)];
      expect(Math.min(offset, ...starts)).toBe(offset); // nothing before where the last piece ended
      if (starts.length > 0) expect(Math.min(...starts)).toBe(offset); // and its first line starts there
      offset = batch.nextOffset;
    }
    const last = (list: IngestBatch[]) => list.at(-1) as IngestBatch;
    expect(pieces.flatMap((b) => b.entries)).toEqual(whole.flatMap((b) => b.entries));
    expect(pieces.flatMap((b) => b.problems)).toEqual(whole.flatMap((b) => b.problems));
    expect([last(pieces).nextOffset, last(pieces).nextLineCount]).toEqual([last(whole).nextOffset, last(whole).nextLineCount]);
    expect(last(pieces).nextTail.equals(last(whole).nextTail)).toBe(true);
  });
});
