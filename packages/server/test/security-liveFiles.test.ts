import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyHome, runCli, userLine, waitFor } from './helpers.js';
import { fileProblems, healthzMs, serveChild, type ServedChild } from './securityServe.js';

const SESSION = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
/** /healthz answers in well under this on a loaded machine; a main thread blocked in open() never does. */
const ANSWERS_WITHIN_MS = 2000;

const servers: ServedChild[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(home: string): Promise<ServedChild> {
  const server = await serveChild(home);
  servers.push(server);
  return server;
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

async function storedMessages(server: ServedChild, sessionId: string): Promise<number | undefined> {
  const response = await fetch(`${server.url}/api/v1/analytics/stats/live?session_id=${sessionId}`);
  if (!response.ok) return undefined;
  return ((await response.json()) as { messages: { value: number } }).messages.value;
}

describe('a FIFO named *.jsonl, or a link to one', () => {
  it('at start-up (with a device and a socket beside it): backfill finishes, /healthz answers, each is a problem row', async () => {
    const { home, projectDir } = emptyHome();
    fs.writeFileSync(path.join(projectDir, `${SESSION}.jsonl`), `${userLine({ sessionId: SESSION, uuid: 'u-1', text: 'hello' })}\n`);
    mkfifo(path.join(projectDir, 'fifo.jsonl'));
    fs.symlinkSync(path.join(projectDir, 'fifo.jsonl'), path.join(projectDir, 'link-to-fifo.jsonl'));
    fs.symlinkSync('/dev/zero', path.join(projectDir, 'device.jsonl'));
    const socket = net.createServer();
    await new Promise<void>((resolve) => socket.listen(path.join(projectDir, 'socket.jsonl'), resolve));
    try {
      const server = await serve(home); // resolves once /healthz says live: backfill is over
      expect(await healthzMs(server.url)).toBeLessThan(ANSWERS_WITHIN_MS);
      expect(await storedMessages(server, SESSION)).toBe(1);
      expect(await fileProblems(server.dataDir)).toEqual([
        'device.jsonl not-a-regular-file',
        'fifo.jsonl not-a-regular-file',
        'link-to-fifo.jsonl not-a-regular-file',
        'socket.jsonl not-a-regular-file',
      ]);
    } finally {
      socket.close();
    }
  });

  it('while live: the watcher never opens it, /healthz keeps answering, lines after it are read', async () => {
    const { home, projectDir } = emptyHome();
    const server = await serve(home);
    mkfifo(path.join(projectDir, 'live-fifo.jsonl'));
    fs.symlinkSync(path.join(projectDir, 'live-fifo.jsonl'), path.join(projectDir, 'live-link.jsonl'));
    await waitFor(async () => ((await fileProblems(server.dataDir)).length === 2 ? true : undefined), 10_000, 'the problem rows');
    expect(await healthzMs(server.url)).toBeLessThan(ANSWERS_WITHIN_MS);
    fs.writeFileSync(path.join(projectDir, `${SESSION}.jsonl`), `${userLine({ sessionId: SESSION, uuid: 'u-1', text: 'hello' })}\n`);
    await waitFor(() => storedMessages(server, SESSION).then((n) => (n === 1 ? true : undefined)), 10_000, 'the line after the FIFO');
    expect(await fileProblems(server.dataDir)).toEqual(['live-fifo.jsonl not-a-regular-file', 'live-link.jsonl not-a-regular-file']);
  });
});

async function storedFiles(server: ServedChild): Promise<number> {
  const { stdout } = await runCli(['report', 'health', '--json', '--data-dir', server.dataDir]);
  return (JSON.parse(stdout) as { files: number }).files;
}

describe('symlinked folders, loops included', () => {
  it('are not followed by the live watcher, as by discovery: one source per real file', async () => {
    const { home, projectDir } = emptyHome();
    const file = path.join(projectDir, `${SESSION}.jsonl`);
    let n = 0;
    const append = () => fs.appendFileSync(file, `${userLine({ sessionId: SESSION, uuid: `u-${++n}`, text: `line ${n}` })}\n`);
    append();
    fs.mkdirSync(path.join(projectDir, 'sub'));
    fs.symlinkSync('..', path.join(projectDir, 'sub', 'up'));
    const server = await serve(home);
    // Loops made while live, each a new path to the same folder (and through the others, to itself again).
    for (const name of ['loop1', 'loop2', 'loop3']) fs.symlinkSync('.', path.join(projectDir, name));
    fs.symlinkSync('..', path.join(projectDir, 'parent'));
    fs.symlinkSync('../sub', path.join(projectDir, 'sub', 'self'));
    // A file in a real new folder: once it is stored, the events of the links before it were handled.
    fs.mkdirSync(path.join(projectDir, 'later'));
    const later = 'bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    fs.writeFileSync(path.join(projectDir, 'later', `${later}.jsonl`), `${userLine({ sessionId: later, uuid: 'l-1', text: 'later' })}\n`);
    await waitFor(() => storedMessages(server, later).then((m) => (m === 1 ? true : undefined)), 10_000, 'the file in the new folder');
    for (let i = 0; i < 5; i++) append();
    await waitFor(() => storedMessages(server, SESSION).then((m) => (m === 6 ? true : undefined)), 10_000, 'the appended lines');
    expect(await storedFiles(server)).toBe(2);
    expect(await healthzMs(server.url)).toBeLessThan(ANSWERS_WITHIN_MS);
  });
});
