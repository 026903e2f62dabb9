import { describe, expect, it } from 'vitest';
import { classifyStoreError } from './storeFaults.js';
import { StoreHealth } from './storeHealth.js';

const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });

function harness() {
  let now = 1_000_000;
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const fatal: string[] = [];
  const health = new StoreHealth({
    now: () => now,
    warnEveryMs: 30_000,
    onFatal: (reason) => fatal.push(reason),
    log: {
      warn: (fields, message) => lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
      info: (fields, message) => lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
    },
  });
  return { health, lines, fatal, advance: (ms: number) => (now += ms) };
}

describe('classifyStoreError', () => {
  it('tells a corrupt database from a full disk, on both drivers, and leaves the rest alone', () => {
    expect(classifyStoreError(corrupt)).toEqual({ kind: 'fatal', reason: 'database disk image is malformed (SQLITE_CORRUPT)' });
    expect(classifyStoreError({ message: 'x', code: 'SQLITE_CORRUPT_INDEX' })?.kind).toBe('fatal');
    expect(classifyStoreError({ message: 'file is not a database', code: 'SQLITE_NOTADB' })?.kind).toBe('fatal');
    expect(classifyStoreError({ message: 'index corrupted', code: 'XX002' })?.kind).toBe('fatal');
    expect(classifyStoreError(full)?.kind).toBe('transient');
    expect(classifyStoreError({ message: 'could not extend file', code: '53100' })?.kind).toBe('transient');
    for (const other of [new Error('offset moved'), { code: 'SQLITE_BUSY' }, { code: 'ECONNREFUSED' }, null, 'text']) expect(classifyStoreError(other)).toBeNull();
  });
});

describe('StoreHealth', () => {
  it('is degraded while writes fail for lack of space, warning once per 30 s with the count, and ok after a write', () => {
    const { health, lines, advance } = harness();
    for (let i = 0; i < 100; i++) {
      health.failed(full);
      advance(100);
    }
    expect(health.state()).toMatchObject({ status: 'degraded', reason: 'database or disk is full (SQLITE_FULL)', failures: 100 });
    expect(lines).toHaveLength(1);
    advance(20_000); // 30 s after the first warning
    health.failed(full);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.fields).toMatchObject({ failures: 101, suppressed: 99 });
    expect(lines[1]?.message).toContain('99 more failures since the last warning');
    health.wrote();
    expect(health.state()).toEqual({ status: 'ok' });
    expect(lines[2]).toMatchObject({ level: 'info', fields: { failures: 101 } });
    health.failed(full); // a new episode warns at once
    expect(lines).toHaveLength(4);
  });

  it('fails for good on a corrupt database, reporting it once; nothing brings it back', () => {
    const { health, fatal } = harness();
    health.failed(full);
    health.failed(corrupt);
    health.failed(corrupt);
    health.wrote();
    health.fail('start-up failed: something else');
    expect(health.state()).toMatchObject({ status: 'failed', reason: 'database disk image is malformed (SQLITE_CORRUPT)' });
    expect(fatal).toEqual(['database disk image is malformed (SQLITE_CORRUPT)']);
  });

  it('ignores errors that are not store faults', () => {
    const { health, lines } = harness();
    health.failed(new Error('offset moved'));
    expect(health.state()).toEqual({ status: 'ok' });
    expect(lines).toEqual([]);
  });
});
