import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** What the server acknowledged for one local file: its copy holds the file's bytes up to `offset`. */
export interface ShippedFile {
  offset: number;
  ino: number;
  /** The bytes just before `offset` (up to TAIL_BYTES): a file rewritten in place no longer has them there. */
  tail: Buffer;
}

const StateFileSchema = z.object({
  version: z.literal(1),
  server: z.string(),
  dirs: z.record(
    z.string(),
    z.object({
      claudeDir: z.string(),
      files: z.record(z.string(), z.object({ offset: z.number().int().nonnegative(), ino: z.number(), tail: z.string() })),
    }),
  ),
});
type StateFile = z.infer<typeof StateFileSchema>;

/**
 * The shipper's memory of what each server acknowledged, one JSON file per server in the data
 * dir, replaced atomically (temporary file, then rename) after every acknowledged request.
 * It is a hint, not the truth: every answer carries the server's own sizes, and a state file
 * that is stale, lost or corrupt only makes the shipper send bytes the server then skips.
 */
export class ShipState {
  private constructor(
    readonly file: string,
    private readonly data: StateFile,
  ) {}

  /** The state for `server` in `dataDir`; empty when there is none yet (or it cannot be read: `onProblem` says why). */
  static load(dataDir: string, server: string, onProblem: (message: string) => void = () => {}): ShipState {
    const file = stateFileFor(dataDir, server);
    const empty: StateFile = { version: 1, server, dirs: {} };
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onProblem(`cannot read ${file} (${(error as Error).message}); starting from the server's sizes`);
      return new ShipState(file, empty);
    }
    try {
      return new ShipState(file, StateFileSchema.parse(JSON.parse(raw)));
    } catch {
      onProblem(`ignoring unreadable ${file}; starting from the server's sizes`);
      return new ShipState(file, empty);
    }
  }

  get(id: string, relPath: string): ShippedFile | undefined {
    const entry = this.data.dirs[id]?.files[relPath];
    return entry && { offset: entry.offset, ino: entry.ino, tail: Buffer.from(entry.tail, 'base64') };
  }

  set(id: string, claudeDir: string, relPath: string, shipped: ShippedFile): void {
    const dir = (this.data.dirs[id] ??= { claudeDir, files: {} });
    dir.claudeDir = claudeDir;
    dir.files[relPath] = { offset: shipped.offset, ino: shipped.ino, tail: shipped.tail.toString('base64') };
  }

  save(): void {
    // Each file's tail is transcript bytes: the state is its owner's only, as the data folder is.
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.data), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }
}

/** `<data-dir>/ship/<host>-<hash of the URL>.json`: one file per server. */
export function stateFileFor(dataDir: string, server: string): string {
  const host = new URL(server).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return path.join(dataDir, 'ship', `${host}-${shortHash(server)}.json`);
}

/**
 * The default id of a claude dir on the server: `<hostname>-<12 hex of sha256(hostname, absolute dir)>`.
 * Stable across restarts; another machine or folder gets another id, so two never share a mirror.
 */
export function defaultClaudeDirId(claudeDir: string, hostname = os.hostname()): string {
  const host = hostname.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\.+/, '').slice(0, 60) || 'host';
  return `${host}-${shortHash(`${hostname}\0${path.resolve(claudeDir)}`)}`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
