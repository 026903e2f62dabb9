import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, joined, readChunks, type Chunk } from './chunks.js';

function withFile<T>(content: Buffer, run: (fd: number) => T): T {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-chunks-')), 'f.jsonl');
  fs.writeFileSync(file, content);
  const fd = fs.openSync(file, 'r');
  try {
    return run(fd);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** Every chunk, with the parts of 'lines' chunks joined (each copied: the read buffer is reused). */
function chunksOf(content: Buffer, maxLineBytes?: number): (Chunk | { kind: 'bytes'; buf: Buffer; offset: number; atEnd: boolean })[] {
  return withFile(content, (fd) => {
    const out: ReturnType<typeof chunksOf> = [];
    for (const c of readChunks(fd, 0, content.length, maxLineBytes)) out.push(c.kind === 'lines' ? { kind: 'bytes', buf: Buffer.from(joined(c.parts)), offset: c.offset, atEnd: c.atEnd } : c);
    return out;
  });
}

describe('readChunks', () => {
  it('gives a line longer than many reads whole, after reporting that it is reading', () => {
    const small = Buffer.from('{"a":1}\n');
    const long = Buffer.concat([Buffer.from('{"t":"'), Buffer.alloc(3.5 * CHUNK_BYTES, 'x'), Buffer.from('"}\n')]);
    const content = Buffer.concat([small, long, small, Buffer.from('{"partial"')]);
    const chunks = chunksOf(content);
    expect(chunks.filter((c) => c.kind === 'reading').length).toBeGreaterThanOrEqual(2);
    const bytes = chunks.filter((c) => c.kind === 'bytes');
    expect(Buffer.concat(bytes.map((c) => c.buf)).equals(content)).toBe(true);
    for (const c of bytes) expect(content.subarray(c.offset, c.offset + c.buf.length).equals(c.buf)).toBe(true);
    expect(bytes.at(-1)).toMatchObject({ atEnd: true, buf: Buffer.from('{"partial"') });
    expect(bytes.slice(0, -1).every((c) => c.buf.at(-1) === 10)).toBe(true);
  });

  it('skips a line past the limit without holding it, and goes on after it', () => {
    const long = Buffer.concat([Buffer.alloc(2.5 * CHUNK_BYTES, 'x'), Buffer.from('\n')]);
    const content = Buffer.concat([Buffer.from('a\n'), long, Buffer.from('b\n')]);
    const chunks = chunksOf(content, CHUNK_BYTES);
    expect(chunks.find((c) => c.kind === 'oversized')).toEqual({ kind: 'oversized', offset: 2, length: long.length, complete: true });
    const bytes = chunks.filter((c) => c.kind === 'bytes');
    expect(Buffer.concat(bytes.map((c) => c.buf)).toString()).toBe('a\nb\n');
  });
});
