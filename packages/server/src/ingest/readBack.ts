import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { LineLocation } from '../store/repository.js';
import { absPathOf } from './discover.js';
import { skimLine } from './skim.js';
import { openRegular } from './openRegular.js';

/**
 * Reads a stored line's full JSON back from its transcript. Content is not copied into the
 * store (it would double the disk a history takes and slow a backfill); a conversation page
 * reads its lines with one positioned read each. Returns null when the file no longer holds
 * that line there (it was truncated or rewritten since): never another line.
 * A line longer than `shrinkAbove` bytes is skimmed first (long strings cut, `toolUseResult`
 * dropped: skim.ts), and one that skimming does not bring under it comes back as `{ uuid }` alone:
 * parsing megabytes of JSON holds the event loop for seconds (docs/ingest.md, "Long lines").
 */
export async function readBack(location: LineLocation, uuid: string, shrinkAbove = Infinity): Promise<Record<string, unknown> | null> {
  const file = absPathOf(location);
  let handle;
  try {
    handle = await openRegular(file);
  } catch {
    return null;
  }
  try {
    const buf = Buffer.allocUnsafe(location.byteLength);
    const { bytesRead } = await handle.read(buf, 0, location.byteLength, location.byteOffset);
    const value = parseShrunk(buf.subarray(0, bytesRead), uuid, shrinkAbove);
    const line = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    return line?.uuid === uuid ? line : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

function parseShrunk(bytes: Buffer, uuid: string, shrinkAbove: number): unknown {
  if (bytes.length <= shrinkAbove) return JSON.parse(bytes.toString('utf8'));
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13)) end--;
  const skimmed = skimLine(bytes, 0, end);
  if (skimmed !== null && Buffer.byteLength(skimmed) <= shrinkAbove) return JSON.parse(skimmed);
  return bytes.includes(uuidKey(uuid)) ? { uuid } : null;
}

/** The line's uuid as Claude Code writes it (compact JSON); a quote inside a string is escaped, so this only matches a key. */
function uuidKey(uuid: string): Buffer {
  return Buffer.from(`"uuid":${JSON.stringify(uuid)}`);
}

const SCAN_BYTES = 1024 * 1024;

/**
 * A stored line's bytes as its transcript holds them, as a stream (a line can be tens of
 * megabytes: never held whole), with its length; null when the file no longer holds that line
 * there: the bytes before it must end a line and the line must carry the uuid (checked by
 * scanning it, a megabyte at a time). Only a regular file is read.
 */
export async function openLine(location: LineLocation, uuid: string): Promise<{ stream: Readable; bytes: number } | null> {
  const file = absPathOf(location);
  let handle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const { byteOffset, byteLength } = location;
    if (!(await handle.stat()).isFile() || !(await holdsLine(handle, byteOffset, byteLength, uuidKey(uuid)))) {
      await handle.close();
      return null;
    }
    return { stream: handle.createReadStream({ start: byteOffset, end: byteOffset + byteLength - 1 }), bytes: byteLength };
  } catch {
    await handle.close();
    return null;
  }
}

async function holdsLine(handle: fs.FileHandle, offset: number, length: number, key: Buffer): Promise<boolean> {
  if (length <= 0) return false;
  if (offset > 0) {
    const before = Buffer.alloc(1);
    await handle.read(before, 0, 1, offset - 1);
    if (before[0] !== 10) return false;
  }
  const buf = Buffer.allocUnsafe(Math.min(SCAN_BYTES + key.length, length));
  // Windows overlap by the key's length less one, so a key across two of them is found.
  for (let at = 0; at < length; at += buf.length - (key.length - 1)) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, length - at), offset + at);
    if (bytesRead === 0) return false;
    if (buf.subarray(0, bytesRead).includes(key)) return true;
    if (at + bytesRead >= length || buf.length <= key.length) return false;
  }
  return false;
}
