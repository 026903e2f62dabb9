import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { ProjectFolderSchema, TranscriptNameSchema, type IngestRequest, type IngestResponse } from '@claudelens/protocol';
import { absPathOf, discoverTranscripts, projectsDir } from './discover.js';
import { postIngest } from './shipClient.js';
import { localTail, readShippable, tailAfter, type FilePart, type ShippableRead } from './shipRead.js';
import type { ShipState } from './shipState.js';
import { watchTree, type TreeWatcher } from './treeWatcher.js';

// `claudelens ship`: follows local transcripts and sends their new whole lines to a server's
// POST /api/v1/ingest. The server's copy is the truth: every answer says how many bytes of each
// file it holds, and the next request for that file starts there. So a request sent twice, a
// shipper killed before it saved its state, or a server that lost its tail, cost a re-send and
// nothing else. docs/remote-ingest.md states the guarantees.

export interface ShipSource {
  claudeDir: string;
  /** The claude dir's name on the server. */
  id: string;
}

export interface ShipperOptions {
  /** The server's base URL, e.g. `http://team-host:4280`. */
  server: string;
  token: string | null;
  sources: ShipSource[];
  state: ShipState;
  /** Transcript bytes per request at most (default 2 MiB); halved when the server answers 413. */
  batchBytes?: number;
  /** Longest wait between two attempts (default 30 s). */
  retryMaxMs?: number;
  /** How long one request may take (default 60 s). */
  requestTimeoutMs?: number;
  /** Ship what is there now, then stop; otherwise follow the files until closed. */
  once?: boolean;
  poll?: boolean;
  /** How often to look for files the watchers missed (default 60 s). */
  rescanMs?: number;
  log?: (line: string) => void;
}

/** Trying again cannot help (bad token, bad request): the shipper stops with this message. */
export class ShipError extends Error {}

export interface Shipper {
  /** Resolves when the shipper stopped (closed, or caught up with `once`); rejects with a ShipError. */
  done: Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_BATCH_BYTES = 2 * 1024 * 1024;
const MIN_BATCH_BYTES = 16 * 1024;
const FIRST_RETRY_MS = 250;

/** One file's part of a request, with what is needed to record the answer. */
interface Outgoing extends FilePart {
  key: string;
  relPath: string;
  project: string;
  file: string;
  /** The tail stored for `from`, to compute the one after these bytes. */
  tail: Buffer;
}

export function startShipper(options: ShipperOptions): Shipper {
  const log = options.log ?? (() => {});
  const endpoint = new URL('api/v1/ingest', options.server.endsWith('/') ? options.server : `${options.server}/`);
  const sources = new Map(options.sources.map((s) => [s.id, s]));
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  let batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  /** Files that may have something to send, by `<id>\0<relPath>`; in the order they will be looked at. */
  const dirty = new Map<string, { source: ShipSource; relPath: string }>();
  /** Files found truncated or replaced whose reset the server has not acknowledged yet. */
  const resets = new Set<string>();
  const warned = new Set<string>();
  const shutdown = new AbortController();
  let wake: (() => void) | null = null;
  const stats = { requests: 0, bytes: 0, caughtUp: false };

  const markDirty = (source: ShipSource, relPath: string) => {
    dirty.set(`${source.id}\0${relPath}`, { source, relPath });
    wake?.();
  };
  const discover = async () => {
    for (const source of sources.values()) {
      for (const file of (await discoverTranscripts(source.claudeDir)).files) markDirty(source, file.relPath);
    }
  };
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log(message);
  };

  /** Whether the file has bytes to send now, and which. */
  const examine = (source: ShipSource, relPath: string, budget: number, alone: boolean): Outgoing | 'idle' | 'later' => {
    const key = `${source.id}\0${relPath}`;
    const slash = relPath.indexOf('/');
    const project = relPath.slice(0, slash);
    const file = relPath.slice(slash + 1);
    const absPath = absPathOf({ claudeDir: source.claudeDir, relPath });
    if (slash <= 0 || !ProjectFolderSchema.safeParse(project).success || !TranscriptNameSchema.safeParse(file).success) {
      warnOnce(key, `skipping ${absPath}: not a project transcript name the server accepts`);
      return 'idle';
    }
    const shipped = options.state.get(source.id, relPath);
    let read: ShippableRead;
    try {
      read = readShippable(absPath, shipped, resets.has(key), budget, alone);
    } catch (error) {
      // Gone: nothing to send. Unreadable: said once; an event brings it back if it changes.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warnOnce(key, `cannot read ${absPath}: ${(error as Error).message}`);
      return 'idle';
    }
    if (read.reset && !resets.has(key)) {
      resets.add(key);
      log(`${relPath} was truncated or replaced: the server starts its copy over`);
    }
    if (typeof read.next === 'string') return read.next;
    return { ...read.next, key, relPath, project, file, tail: read.next.reset || !shipped ? Buffer.alloc(0) : shipped.tail };
  };

  /** The next request: files of one claude dir, up to `batchBytes` of transcript. */
  const collect = (): { source: ShipSource; outgoing: Outgoing[] } | null => {
    let source: ShipSource | null = null;
    const outgoing: Outgoing[] = [];
    let budget = batchBytes;
    for (const [key, entry] of dirty) {
      if (budget <= 0) break;
      if (source && entry.source !== source) continue;
      const examined = examine(entry.source, entry.relPath, budget, outgoing.length === 0);
      if (examined === 'idle') dirty.delete(key);
      if (typeof examined === 'string') continue;
      source = entry.source;
      outgoing.push(examined);
      budget -= examined.bytes.length;
    }
    return source && { source, outgoing };
  };

  /** Sends until the server answers; null when closed first, 'too-large' on 413. */
  const deliver = async (source: ShipSource, outgoing: Outgoing[]): Promise<IngestResponse | 'too-large' | null> => {
    const request: IngestRequest = {
      claude_dir_id: source.id,
      files: outgoing.map((o) => {
        const text = isUtf8(o.bytes);
        return {
          project: o.project,
          file: o.file,
          offset: o.from,
          data: o.bytes.toString(text ? 'utf8' : 'base64'),
          ...(text ? {} : { encoding: 'base64' as const }),
          ...(o.reset ? { reset: true } : {}),
        };
      }),
    };
    const body = JSON.stringify(request);
    for (let attempt = 0; !shutdown.signal.aborted; attempt++) {
      const signal = AbortSignal.any([shutdown.signal, AbortSignal.timeout(options.requestTimeoutMs ?? 60_000)]);
      const outcome = await postIngest(endpoint, options.token, body, signal);
      if (outcome.kind === 'answer') {
        if (attempt > 0) log(`server reachable again after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}`);
        return outcome.response;
      }
      if (outcome.kind === 'too-large') return 'too-large';
      if (outcome.kind === 'fatal') throw new ShipError(outcome.message);
      if (shutdown.signal.aborted) break;
      // Exponential backoff with jitter: between half and all of min(max, first * 2^attempt).
      const ceiling = Math.min(retryMaxMs, FIRST_RETRY_MS * 2 ** Math.min(attempt, 20));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      log(`${outcome.reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, shutdown.signal);
    }
    return null;
  };

  /** Records the server's sizes: what is acknowledged, and what must be sent again. */
  const acknowledge = (source: ShipSource, outgoing: Outgoing[], response: IngestResponse) => {
    outgoing.forEach((sent, i) => {
      const result = response.files[i];
      if (!result || result.project !== sent.project || result.file !== sent.file) {
        throw new ShipError(`${endpoint.href} answered for other files than were sent`);
      }
      if (result.status === 'diverged') {
        resets.add(sent.key);
        log(`${sent.relPath}: the server's copy differs from this file: it starts its copy over`);
        return;
      }
      if (sent.reset) resets.delete(sent.key);
      const end = sent.from + sent.bytes.length;
      // The usual answer is exactly what was sent; otherwise (a gap, or the server had more) the
      // server's size is the new offset, and the tail there is read from the file.
      const tail =
        result.status === 'ok' && result.size === end
          ? tailAfter(sent.tail, sent.bytes)
          : localTail(absPathOf({ claudeDir: source.claudeDir, relPath: sent.relPath }), result.size);
      if (result.status === 'gap') log(`${sent.relPath}: the server has ${result.size} bytes, not ${sent.from}: sending from there`);
      options.state.set(source.id, source.claudeDir, sent.relPath, { offset: result.size, ino: sent.ino, tail });
      stats.bytes += result.written;
    });
  };

  const run = async () => {
    const trees: TreeWatcher[] = options.once
      ? []
      : [...sources.values()].map((source) =>
          watchTree(projectsDir(source.claudeDir), (file) => markDirty(source, path.relative(projectsDir(source.claudeDir), file).split(path.sep).join('/')), {
            poll: options.poll,
            onError: (error) => log(error.message),
          }),
        );
    // Watchers first, then discovery: nothing written in between is missed.
    await discover();
    const rescan = options.once ? null : setInterval(() => void discover().catch((error: Error) => log(error.message)), options.rescanMs ?? 60_000);
    try {
      while (!shutdown.signal.aborted) {
        const next = collect();
        if (!next) {
          if (!stats.caughtUp) log(`up to date: ${stats.requests} requests, ${(stats.bytes / 1e6).toFixed(1)} MB new on the server`);
          stats.caughtUp = true;
          if (options.once) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        const answer = await deliver(next.source, next.outgoing);
        if (answer === null) return;
        if (answer === 'too-large') {
          if (batchBytes <= MIN_BATCH_BYTES) throw new ShipError(`${endpoint.href} refuses even ${batchBytes}-byte requests (413): raise the server's --ingest-body-limit`);
          batchBytes = Math.max(MIN_BATCH_BYTES, Math.floor(batchBytes / 2));
          log(`the server refused a request as too large (413): sending at most ${batchBytes} bytes per request`);
          continue;
        }
        stats.requests++;
        acknowledge(next.source, next.outgoing, answer);
        options.state.save();
        // Round robin: files just sent go to the back, so one long file cannot hold up the rest.
        for (const sent of next.outgoing) {
          const entry = dirty.get(sent.key);
          if (!entry) continue;
          dirty.delete(sent.key);
          dirty.set(sent.key, entry);
        }
      }
    } finally {
      for (const tree of trees) tree.close();
      if (rescan) clearInterval(rescan);
    }
  };

  const done = run();
  return {
    done,
    async close() {
      shutdown.abort();
      wake?.();
      await done.catch(() => undefined);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
