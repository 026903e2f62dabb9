import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyHome, userLine, waitFor } from './helpers.js';
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
  it('at start-up: backfill finishes, /healthz answers, each is a problem row', async () => {
    const { home, projectDir } = emptyHome();
    fs.writeFileSync(path.join(projectDir, `${SESSION}.jsonl`), `${userLine({ sessionId: SESSION, uuid: 'u-1', text: 'hello' })}\n`);
    mkfifo(path.join(projectDir, 'fifo.jsonl'));
    fs.symlinkSync(path.join(projectDir, 'fifo.jsonl'), path.join(projectDir, 'link-to-fifo.jsonl'));
    const server = await serve(home); // resolves once /healthz says live: backfill is over
    expect(await healthzMs(server.url)).toBeLessThan(ANSWERS_WITHIN_MS);
    expect(await storedMessages(server, SESSION)).toBe(1);
    expect(await fileProblems(server.dataDir)).toEqual(['fifo.jsonl not-a-regular-file', 'link-to-fifo.jsonl not-a-regular-file']);
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
