import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../src/ingest/backfill.js';
import { readBack } from '../src/ingest/readBack.js';
import type { StoredMessage } from '../src/store/repository.js';
import { FIXTURE_HOME, openContext } from './helpers.js';

const SESSION = 'fe5e1c67-53e7-4862-81ae-d0e013e3270b'; // 1.0.x, with inline sidechains

/** The uuids of the lines that belong to the session, read straight from the fixture files. */
function uuidsInFiles(): Set<string> {
  const uuids = new Set<string>();
  const root = path.join(FIXTURE_HOME, 'projects');
  for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(root, file), 'utf8').split('\n')) {
      if (!line.includes(SESSION)) continue;
      const value = JSON.parse(line) as { uuid?: string; sessionId?: string };
      if (value.sessionId === SESSION && value.uuid) uuids.add(value.uuid);
    }
  }
  return uuids;
}

describe("a session's conversation", () => {
  const ctx = openContext();
  const all: StoredMessage[] = [];

  beforeAll(async () => {
    await backfill(ctx, [FIXTURE_HOME], { workers: 0 });
    let after: string | undefined;
    for (;;) {
      const page = await ctx.store.messages(SESSION, { after, limit: 50 });
      if (page.length === 0) break;
      all.push(...page);
      after = page.at(-1)?.cursor;
    }
  });
  afterAll(() => ctx.store.close());

  it('pages through every line of the session once, in time order', () => {
    expect(new Set(all.map((m) => m.uuid))).toEqual(uuidsInFiles());
    expect(all.length).toBe(new Set(all.map((m) => m.uuid)).size);
    const times = all.map((m) => m.timestamp ?? '');
    expect(times).toEqual([...times].sort());
  });

  it('groups inline subagent runs apart from the main thread', () => {
    expect(all.some((m) => m.isSidechain && m.agentId === 'sidechain')).toBe(true);
    expect(all.some((m) => !m.isSidechain && m.agentId === '')).toBe(true);
  });

  it('reads any message back whole from its file', async () => {
    for (const message of all.filter((_, i) => i % 7 === 0)) {
      const line = await readBack(message.location, message.uuid);
      expect(line?.uuid).toBe(message.uuid);
    }
    const withTool = all.find((m) => m.toolNames.length > 0) as StoredMessage;
    const line = (await readBack(withTool.location, withTool.uuid)) as { message: { content: { type: string; name?: string }[] } };
    expect(line.message.content.find((b) => b.type === 'tool_use')?.name).toBe(withTool.toolNames[0]);
  });

  it('gives null when the file no longer holds the line', async () => {
    const first = all[0] as StoredMessage;
    expect(await readBack({ ...first.location, relPath: 'gone/nowhere.jsonl' }, first.uuid)).toBeNull();
    expect(await readBack({ ...first.location, byteOffset: first.location.byteOffset + 3 }, first.uuid)).toBeNull();
    const other = all[1] as StoredMessage;
    expect(await readBack(other.location, first.uuid)).toBeNull();
  });
});
