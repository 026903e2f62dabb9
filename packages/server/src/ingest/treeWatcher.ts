import fs from 'node:fs';
import path from 'node:path';

export interface TreeWatcherOptions {
  /** Poll instead of file-system events (network file systems, or where inotify runs out). */
  poll?: boolean;
  pollIntervalMs?: number;
  onError?: (error: Error) => void;
}

export interface TreeWatcher {
  close(): void;
}

/**
 * Reports every change to a `*.jsonl` file anywhere under `root`, as it happens: one
 * `fs.watch` (inotify) per folder, new folders watched as they appear, no throttling.
 *
 * Why not chokidar: it throttles `change` events per file and drops the rest with no trailing
 * event (paulmillr/chokidar#1455), so the second of two lines Claude Code writes in quick
 * succession was never read until the file changed again (docs/ingest.md, "Reading files").
 */
export function watchTree(root: string, onFile: (file: string) => void, options: TreeWatcherOptions = {}): TreeWatcher {
  const watchers = new Map<string, fs.FSWatcher>();
  let closed = false;
  let poller: NodeJS.Timeout | null = null;
  let waiting: NodeJS.Timeout | null = null;
  const seen = new Map<string, string>();

  const report = (error: unknown) => options.onError?.(error as Error);

  const startPolling = () => {
    if (poller || closed) return;
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
    let primed = false;
    const tick = () => {
      for (const file of listFiles(root)) {
        let signature: string;
        try {
          const stat = fs.statSync(file);
          signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
        } catch {
          continue;
        }
        if (seen.get(file) !== signature) {
          seen.set(file, signature);
          if (primed) onFile(file);
        }
      }
      primed = true;
    };
    tick(); // remembers what exists now; changes from here on are reported
    poller = setInterval(tick, options.pollIntervalMs ?? 1000);
    poller.unref?.();
  };

  const watchDir = (dir: string, announce: boolean) => {
    if (closed || poller || watchers.has(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: true }, (event, name) => onEvent(dir, event, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // gone before we got to it
      report(new Error(`watching ${dir} failed (${code ?? (error as Error).message}); polling instead`));
      startPolling();
      return;
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
    // A folder that appeared while we were not yet watching it may already hold files and folders.
    // Paths are made only for what is used: at start (nothing announced) a folder's files need
    // none, and joining one per file was a third of watching 18,720 files in 2,564 folders.
    for (const entry of readDir(dir)) {
      if (entry.isDirectory()) watchDir(path.join(dir, entry.name), announce);
      else if (announce && entry.name.endsWith('.jsonl')) onFile(path.join(dir, entry.name));
    }
  };

  const onEvent = (dir: string, event: string, name: string | Buffer | null) => {
    if (closed) return;
    if (name === null) {
      // The kernel's queue overflowed: re-read everything under this folder.
      for (const file of listFiles(dir)) onFile(file);
      return;
    }
    const child = path.join(dir, name.toString());
    if (event === 'change') {
      if (child.endsWith('.jsonl')) onFile(child);
      return;
    }
    // 'rename': created, deleted or moved in or out. lstat, as discovery's readdir: a linked folder
    // is not followed (`ln -s . loop` a few times made one transcript many sources, each link a
    // new path to the same folder, watched again through every other link); a linked file is
    // reported like any file, and its reader takes it only if it leads to a regular file.
    fs.lstat(child, (error, stat) => {
      if (closed) return;
      if (error) {
        forget(child); // deleted: nothing to read, and its watchers are dead
        return;
      }
      if (stat.isDirectory()) {
        forget(child); // a folder deleted and created again needs fresh watchers
        watchDir(child, true);
      } else if (child.endsWith('.jsonl')) onFile(child);
    });
  };

  const forget = (dir: string) => {
    for (const [watched, watcher] of watchers) {
      if (watched === dir || watched.startsWith(dir + path.sep)) {
        watcher.close();
        watchers.delete(watched);
      }
    }
  };

  if (options.poll) startPolling();
  else if (fs.existsSync(root)) watchDir(root, false);
  else {
    // No projects/ yet (Claude Code has not run): wait for it to appear.
    waiting = setInterval(() => {
      if (!fs.existsSync(root)) return;
      if (waiting) clearInterval(waiting);
      waiting = null;
      watchDir(root, true);
    }, options.pollIntervalMs ?? 1000);
  }

  return {
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      if (poller) clearInterval(poller);
      if (waiting) clearInterval(waiting);
    },
  };
}

/** A tree watched before anyone reads what it reports: the files are kept until `release`. */
export interface HeldTree extends TreeWatcher {
  /** Hands `onFile` every file reported so far, once each, and every one from now on. */
  release(onFile: (file: string) => void): void;
  /** How many files wait for `release`. */
  readonly held: number;
}

/**
 * Watches the tree now and keeps what it reports: `serve` starts watching before it loads the
 * server's modules, so that a thread can walk and stat the files meanwhile, with nothing appended
 * after the walk missed (cli/serve/earlyStart.ts).
 */
export function holdTree(root: string, options: TreeWatcherOptions = {}): HeldTree {
  const held = new Set<string>();
  let target: ((file: string) => void) | null = null;
  const tree = watchTree(root, (file) => (target ? target(file) : held.add(file)), options);
  return {
    close: () => tree.close(),
    get held() {
      return held.size;
    },
    release(onFile) {
      target = onFile;
      for (const file of held) onFile(file);
      held.clear();
    },
  };
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const entry of readDir(current)) {
      const child = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(child);
      else if (child.endsWith('.jsonl')) files.push(child);
    }
  }
  return files;
}
