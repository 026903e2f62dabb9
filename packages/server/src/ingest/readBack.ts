import type { LineLocation } from '../store/repository.js';
import { projectsDir } from './discover.js';
import path from 'node:path';
import { openRegular } from './openRegular.js';

/**
 * Reads a stored line's full JSON back from its transcript. Content is not copied into the
 * store (it would double the disk a history takes and slow a backfill); a conversation page
 * reads its lines with one positioned read each. Returns null when the file no longer holds
 * that line there (it was truncated or rewritten since): never another line.
 */
export async function readBack(location: LineLocation, uuid: string): Promise<Record<string, unknown> | null> {
  const file = path.join(projectsDir(location.claudeDir), ...location.relPath.split('/'));
  let handle;
  try {
    handle = await openRegular(file);
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(location.byteLength);
    const { bytesRead } = await handle.read(buf, 0, location.byteLength, location.byteOffset);
    const value: unknown = JSON.parse(buf.toString('utf8', 0, bytesRead));
    const line = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    return line?.uuid === uuid ? line : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
