import fs from 'node:fs/promises';
import path from 'node:path';
import { ClaudeDirIdSchema, ProjectFolderSchema, TranscriptNameSchema, type IngestFileResult, type ParsedIngestRequest } from '@claudelens/protocol';
import { openRegular } from './openRegular.js';
import { describeFile, projectsDir, type TranscriptFile } from './discover.js';

type IngestFile = ParsedIngestRequest['files'][number];

// Shipped transcripts are other people's prompts and tool output: folders 0700, files 0600.
const DIR = { recursive: true, mode: 0o700 } as const;
const FILE_MODE = 0o600;

/**
 * The server's byte-exact copy of shipped transcripts, one claude dir per shipper:
 * `<root>/<claude_dir_id>/projects/<project>/<file>`. Each copy is read by the ordinary pipeline
 * (`afterWrite`), so offsets, dedup, rewrite detection and read-back work as for local files.
 *
 * A request's bytes go at `offset`: appended when it is the copy's size, compared and skipped
 * where the copy already has them, refused (`gap`) beyond its end. Writes to one copy are
 * serialised; a copy that is reset is moved to `<root>/<id>/replaced/` (outside `projects/`, so
 * it is not read again) and a new file started, which the store sees as a replaced file.
 */
export class RemoteMirror {
  private readonly locks = new Map<string, Promise<unknown>>();
  private resets = 0;

  constructor(
    private readonly root: string,
    private readonly afterWrite: (file: TranscriptFile) => Promise<void>,
  ) {}

  /** The claude dirs shipped so far: read at start-up with the local ones. */
  async claudeDirs(): Promise<string[]> {
    let entries;
    try {
      entries = await fs.readdir(this.root, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.filter((e) => e.isDirectory() && ClaudeDirIdSchema.safeParse(e.name).success).map((e) => path.join(this.root, e.name));
  }

  /** Applies every file of the request in order, then waits until what was written is in the store. */
  async receive(request: ParsedIngestRequest): Promise<IngestFileResult[]> {
    const claudeDir = this.claudeDir(request.claude_dir_id);
    const results: IngestFileResult[] = [];
    const touched = new Map<string, TranscriptFile>();
    for (const entry of request.files) {
      const file = locate(claudeDir, entry.project, entry.file);
      const result = await this.serialised(file.absPath, () => this.apply(claudeDir, file, entry));
      results.push({ project: entry.project, file: entry.file, ...result });
      if (result.written > 0 || entry.reset) touched.set(file.absPath, file);
    }
    await Promise.all([...touched.values()].map((file) => this.afterWrite(file)));
    return results;
  }

  private claudeDir(id: string): string {
    if (!ClaudeDirIdSchema.safeParse(id).success) throw new Error(`invalid claude dir id ${JSON.stringify(id)}`);
    return path.join(this.root, id);
  }

  private async apply(claudeDir: string, file: TranscriptFile, entry: IngestFile): Promise<Omit<IngestFileResult, 'project' | 'file'>> {
    if (entry.reset) await this.setAside(claudeDir, file);
    const data = Buffer.from(entry.data, entry.encoding === 'base64' ? 'base64' : 'utf8');
    const size = await sizeOf(file.absPath);
    if (entry.offset > size) return { status: 'gap', size, written: 0 };
    const overlap = Math.min(size - entry.offset, data.length);
    if (overlap > 0 && !(await holds(file.absPath, entry.offset, data.subarray(0, overlap)))) return { status: 'diverged', size, written: 0 };
    const rest = data.subarray(overlap);
    if (rest.length > 0) {
      await fs.mkdir(path.dirname(file.absPath), DIR);
      await fs.appendFile(file.absPath, rest, { mode: FILE_MODE });
    }
    return { status: 'ok', size: size + rest.length, written: rest.length };
  }

  /** Moves the copy out of `projects/` and leaves an empty file, so the store rewinds even when no bytes follow. */
  private async setAside(claudeDir: string, file: TranscriptFile): Promise<void> {
    const stamp = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++this.resets}`;
    const aside = path.join(claudeDir, 'replaced', stamp, ...file.relPath.split('/'));
    await fs.mkdir(path.dirname(aside), DIR);
    try {
      await fs.rename(file.absPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await fs.mkdir(path.dirname(file.absPath), DIR);
    await fs.writeFile(file.absPath, '', { mode: FILE_MODE });
  }

  private serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return run;
  }
}

/**
 * The copy of one shipped file. The request schema already allows only safe path parts; this
 * checks them again, and that the result stays inside the mirror, because it is about to be written.
 */
function locate(claudeDir: string, project: string, name: string): TranscriptFile {
  if (!ProjectFolderSchema.safeParse(project).success || !TranscriptNameSchema.safeParse(name).success) {
    throw new Error(`unsafe mirror path ${JSON.stringify(`${project}/${name}`)}`);
  }
  const file = describeFile(claudeDir, `${project}/${name}`);
  const root = projectsDir(claudeDir) + path.sep;
  if (!path.resolve(file.absPath).startsWith(root)) throw new Error(`mirror path escapes ${root}: ${file.absPath}`);
  return file;
}

async function sizeOf(file: string): Promise<number> {
  try {
    // lstat: the mirror writes only regular files of its own; a link or a FIFO there was put by
    // someone else, and appending to a FIFO would hold a thread until a reader came.
    const stat = await fs.lstat(file);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file: the mirror does not write to it`);
    return stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Whether the copy holds exactly `expected` at `offset`. */
async function holds(file: string, offset: number, expected: Buffer): Promise<boolean> {
  const handle = await openRegular(file);
  try {
    const actual = Buffer.alloc(expected.length);
    let read = 0;
    while (read < actual.length) {
      const { bytesRead } = await handle.read(actual, read, actual.length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === actual.length && actual.equals(expected);
  } finally {
    await handle.close();
  }
}
