import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ActiveSessionsSchema, ActivitySnapshotEventSchema, LiveActivitySchema } from '@claudelens/protocol';
import { loadLiveConfig } from '../src/config/liveConfig.js';
import { startServer, type RunningServer } from '../src/cli/startServer.js';
import { emptyHome, tempDir, userLine, waitFor } from './helpers.js';

const NEW_SESSIONS = 25_000;
const MAX_LIVE = 5_000;
/**
 * Before the fix the whole append was one commit, quadratic in its lines: the loop stalled 12.4 s
 * in one turn. The stall is printed as a figure (docs/security.md), not asserted: what is asserted
 * is that the loop turned between the commits, counted by a timer chain that runs once per turn.
 */
const MIN_LOOP_TURNS = 25;

const sessionId = (i: number) => `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`;

describe('a flood of new session ids', () => {
  const { home, projectDir } = emptyHome();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(
      { claudeDirs: [home], dataDir: tempDir(), databaseUrl: null, pricesFile: null },
      { host: '127.0.0.1', port: 0, live: loadLiveConfig(null), maxLiveSessions: MAX_LIVE },
    );
  });
  afterAll(() => server?.close());

  it('keeps the loop turning, the live set within its bound and the snapshots small', async () => {
    const now = Date.now();
    let text = '';
    for (let i = 0; i < NEW_SESSIONS; i++) {
      text += `${userLine({ sessionId: sessionId(i), uuid: `u-${i}`, text: `prompt ${i}`, cwd: `/tmp/p${i % 50}`, timestamp: new Date(now - NEW_SESSIONS + i).toISOString() })}\n`;
    }
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let turns = 0;
    let counting = true;
    const turn = () => {
      turns++;
      if (counting) setImmediate(turn);
    };
    setImmediate(turn);
    fs.writeFileSync(path.join(projectDir, 'flood.jsonl'), text); // 6.8 MB in one write
    const state = server.engine.state;
    await waitFor(() => (state.dropped + state.activeCount() === NEW_SESSIONS ? true : undefined), 50_000, 'every line to be live');
    counting = false;
    delay.disable();
    const stallMs = delay.max / 1e6;
    console.log(`${NEW_SESSIONS} new sessions: event-loop delay max ${stallMs.toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, ${turns} loop turns`);
    // Groups of at most 200 lines with the loop let through between them (66 turns here); one commit took a handful.
    expect(turns).toBeGreaterThan(MIN_LOOP_TURNS);

    expect(state.activeCount()).toBe(MAX_LIVE);
    expect(state.dropped).toBe(NEW_SESSIONS - MAX_LIVE);
    // Least recently active first: the last lines' sessions are the ones kept.
    expect(state.get(sessionId(NEW_SESSIONS - 1))).toBeDefined();
    expect(state.get(sessionId(0))).toBeUndefined();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(`claudelens_live_sessions_dropped_total ${NEW_SESSIONS - MAX_LIVE}`);

    const activity = LiveActivitySchema.parse(await (await fetch(`${server.url}/api/v1/analytics/live-activity`)).json());
    expect(activity.active_sessions).toHaveLength(1000);
    expect(activity.active_sessions[0]?.session_id).toBe(sessionId(NEW_SESSIONS - 1));
    expect(activity).toMatchObject({ active_sessions_total: MAX_LIVE, truncated: true });
    const active = ActiveSessionsSchema.parse(await (await fetch(`${server.url}/api/v1/analytics/active-sessions`)).json());
    expect(active).toMatchObject({ active_sessions_total: MAX_LIVE, truncated: true });

    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/activity-stream`);
    const frame = await new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.close();
    const snapshot = ActivitySnapshotEventSchema.parse(JSON.parse(frame));
    expect(snapshot.data.active_sessions).toHaveLength(1000);
    expect(frame.length).toBeLessThan(512 * 1024); // 63 MB at 295,000 live sessions before
  });
});
