import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationPageSchema, type ConversationMessage } from '@claudelens/protocol';
import { assistantLine, tempDir, userLine, waitFor } from './helpers.js';
import { spawnServe, type ServeProcess } from './serveProcess.js';

// Issue 21 item 7, against the built server: lines of megabytes, and a line nested 100,000 levels
// deep, in the conversation API (a page was a 500 for ever), and large lines read live (parsed in
// a worker thread, with the same figures). How long they hold the event loop: npm run bench:bigline.

const SESSION = 'huge-lines-1';
const PAGED = 'medium-lines-1';
const MB = 1024 * 1024;
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s)).toISOString();
const DEPTH = 100_000;

/** The lines of the session, each with its newline, as written. */
const lines: Record<string, string> = {};
function add(uuid: string, line: string): string {
  lines[uuid] = `${line}\n`;
  return lines[uuid];
}

function deepLine(): string {
  const text = userLine({ sessionId: SESSION, uuid: 'deep', text: 'DEEP', timestamp: at(5) });
  return text.replace('"DEEP"', `[{"type":"text","text":"deep"},{"type":"nested","value":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}]`);
}

/** An assistant line whose tool input is `count` short strings: skimming cannot shrink it. */
function manyStrings(uuid: string, count: number, second: number): string {
  const value = JSON.parse(assistantLine({ sessionId: SESSION, uuid, messageId: `msg_${uuid}`, requestId: `req_${uuid}`, input: 1000, output: 77, tool: 'Write', timestamp: at(second) })) as {
    message: { content: { input: unknown }[] };
  };
  (value.message.content[0] as { input: unknown }).input = { parts: Array.from({ length: count }, (_, i) => `p${i}`) };
  return JSON.stringify(value);
}

describe('huge and deep lines', () => {
  let home: string;
  let dataDir: string;
  let server: ServeProcess;
  let url: string;
  let file: string;

  beforeAll(async () => {
    home = tempDir('claudelens-home-');
    dataDir = tempDir('claudelens-data-');
    const projectDir = path.join(home, 'projects', '-tmp-huge');
    fs.mkdirSync(projectDir, { recursive: true });
    file = path.join(projectDir, `${SESSION}.jsonl`);
    const big = 'y'.repeat(3 * MB);
    fs.writeFileSync(
      file,
      add('start', userLine({ sessionId: SESSION, uuid: 'start', text: 'hello', timestamp: at(0) })) +
        [1, 2, 3].map((i) => add(`big-${i}`, userLine({ sessionId: SESSION, uuid: `big-${i}`, text: big, timestamp: at(i) }))).join('') +
        add('deep', deepLine()) +
        add('strings-1', manyStrings('strings-1', 300_000, 6)),
    );
    // Another session: 20 messages of 300 KB, each cut to about 256 KB, more than a page carries.
    const medium = 'm'.repeat(300 * 1024);
    fs.writeFileSync(
      path.join(projectDir, `${PAGED}.jsonl`),
      Array.from({ length: 20 }, (_, i) => `${userLine({ sessionId: PAGED, uuid: `m-${i}`, text: medium, timestamp: at(i) })}\n`).join(''),
    );
    server = spawnServe(['--claude-dir', home, '--data-dir', dataDir]);
    url = await server.url();
    await waitFor(async () => ((await (await fetch(`${url}/healthz`)).json()) as { phase: string }).phase === 'live' || undefined, 30_000, 'live');
    // Read live: a 5 MB assistant line, and another of 300,000 short strings.
    fs.appendFileSync(
      file,
      add('live-big', assistantLine({ sessionId: SESSION, uuid: 'live-big', messageId: 'msg_live_big', requestId: 'req_live_big', input: 2000, output: 123, text: 'z'.repeat(5 * MB), timestamp: at(7) })) +
        add('strings-2', manyStrings('strings-2', 300_000, 8)),
    );
    await waitFor(async () => ((await (await fetch(`${url}/api/v1/sessions/${SESSION}`)).json()) as { messageCount?: number }).messageCount === 8 || undefined, 30_000, 'the live lines');
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    for (const dir of [home, dataDir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function page(): Promise<{ text: string; messages: Map<string, ConversationMessage> }> {
    const response = await fetch(`${url}/api/v1/sessions/${SESSION}/messages?limit=200`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = ConversationPageSchema.parse(JSON.parse(text));
    expect(body.next_cursor).toBeNull();
    return { text, messages: new Map(body.messages.map((m) => [m.uuid, m])) };
  }

  it('cuts each huge message to a bounded size, with its full size and a link to all of it', async () => {
    const { text, messages } = await page();
    expect(messages.size).toBe(8);
    expect(text.length).toBeLessThan(2 * MB); // the lines hold over 15 MB
    for (const uuid of ['big-1', 'big-2', 'big-3', 'live-big']) {
      const m = messages.get(uuid) as ConversationMessage;
      expect(m).toMatchObject({ truncated: true, full_bytes: Buffer.byteLength(lines[uuid] as string) });
      expect(JSON.stringify(m.content).length).toBeLessThan(300 * 1024);
    }
    expect(messages.get('start')).toMatchObject({ truncated: false, content: { role: 'user', content: 'hello' } });
  });

  it('streams one message in full from its transcript', async () => {
    const { messages } = await page();
    const big = messages.get('big-2') as ConversationMessage;
    const response = await fetch(`${url}${big.full_url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(lines['big-2'] as string))).toBe(true);
    expect((await fetch(`${url}/api/v1/sessions/${SESSION}/messages/nope/full`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/sessions/other/messages/big-2/full`)).status).toBe(404);
  });

  it('cuts a line nested 100,000 levels deep at 64 levels instead of failing the page', async () => {
    const { messages } = await page();
    const deep = messages.get('deep') as ConversationMessage;
    expect(deep.truncated).toBe(true);
    let depth = 0;
    let value: unknown = deep.content;
    while (typeof value === 'object' && value !== null) {
      value = Array.isArray(value) ? value.at(-1) : Object.values(value).at(-1);
      depth++;
    }
    expect(value).toBe('[cut: nested deeper than 64 levels]');
    expect(depth).toBe(64);
  });

  it('ends a page early once it carries about 4 MB, and the next pages go on from there', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: Response = await fetch(`${url}/api/v1/sessions/${PAGED}/messages?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      const text = await response.text();
      expect(text.length).toBeLessThan(5 * MB);
      const body = ConversationPageSchema.parse(JSON.parse(text));
      for (const m of body.messages) expect(m).toMatchObject({ truncated: true, full_bytes: expect.any(Number) as number });
      seen.push(...body.messages.map((m) => m.uuid));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `m-${i}`));
  });

  it('counts the usage of large lines exactly, read at start and live', async () => {
    const session = (await (await fetch(`${url}/api/v1/sessions/${SESSION}`)).json()) as { requests: number; inputTokens: number; outputTokens: number };
    expect(session).toMatchObject({ requests: 3, inputTokens: 1000 + 2000 + 1000, outputTokens: 77 + 123 + 77 });
    const { messages } = await page();
    expect([...messages.keys()]).toEqual(['start', 'big-1', 'big-2', 'big-3', 'deep', 'strings-1', 'live-big', 'strings-2']);
  });
});
