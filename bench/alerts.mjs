// Alert evaluation benchmark: the cost of the one-second timer evaluation at N live sessions, on
// the server's own LiveState and AlertEngine, against evaluating every session (what the timer
// did before 2026-11-22). Every node runs it each second; what it takes, the event loop waits.
// Usage: npm run bench:alerts -- [--sessions N] [--rounds N]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from './build.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'packages/server/dist');
const MIN = 60_000;

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '500' } } });
const sessions = Number(values.sessions);
const rounds = Number(values.rounds);
if (!Number.isInteger(sessions) || sessions < 1 || !Number.isInteger(rounds) || rounds < 1) {
  console.error('bench:alerts: --sessions and --rounds must be positive integers');
  process.exit(2);
}

compile();
const load = (rel) => import(pathToFileURL(path.join(DIST, rel)).href);
const { LiveState } = await load('core/live/liveState.js');
const { liveLine } = await load('core/live/liveInput.js');
const { AlertEngine } = await load('core/alerts/alertEngine.js');
const { AlertsConfigSchema } = await load('config/alertsConfig.js');

/** N sessions, each with one line a second ago: half of them a user prompt (thinking), half an assistant reply with a tool call. */
function liveSessions(now) {
  const state = new LiveState({ idleAfterMs: 2 * MIN, endedAfterMs: 30 * MIN }, () => now.ms);
  const engine = new AlertEngine(AlertsConfigSchema.parse({}), () => now.ms);
  for (let i = 0; i < sessions; i++) {
    const sessionId = `session-${i}`;
    const timestamp = new Date(now.ms - 1000).toISOString();
    const user = i % 2 === 1;
    const entry = {
      byteOffset: 0, byteLength: 1, lineNo: 1, lineType: user ? 'user' : 'assistant', uuid: `line-${i}`, parentUuid: null, sessionId,
      timestamp, cwd: '/home/me/app', gitBranch: null, version: null, agentId: '', isSidechain: false, isMeta: false,
      author: user ? 'user' : 'assistant', preview: 'go on', toolUses: user ? [] : [{ id: `tool-${i}`, name: 'Bash' }], toolResults: [],
      model: null, request: null, priced: null, isApiError: false,
    };
    const facts = {
      sessionId, projectPath: '/home/me/app', firstActivity: timestamp, lastActivity: timestamp, messageCount: 1, toolUseCount: user ? 0 : 1,
      inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0.01,
    };
    engine.observe(state.apply({ lines: [liveLine(entry)], costByLine: new Map([[entry.uuid, 0.01]]), usageDeltas: new Map(), sessions: [facts] }));
  }
  return { state, engine };
}

function measure(evaluate) {
  const now = { ms: Date.now() };
  const { state, engine } = liveSessions(now);
  const all = new Set([...state.all()].map((s) => s.sessionId));
  const once = () => {
    now.ms += 1000;
    return evaluate(engine, state, all);
  };
  for (let i = 0; i < 20; i++) once(); // warm up, and past the first evaluation of the seeded lines
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}

const timer = measure((engine, state) => engine.evaluate(state.all()));
const everyone = measure((engine, state, all) => engine.evaluate(state.all(), all));
console.log(`ClaudeLens alert evaluation — node ${process.version}, ${sessions} live sessions (half thinking), ${rounds} rounds`);
console.log(`timer evaluation (sessions time may change):  median ${timer.median.toFixed(2)} ms, p99 ${timer.p99.toFixed(2)} ms`);
console.log(`every session evaluated (before 2026-11-22):  median ${everyone.median.toFixed(2)} ms, p99 ${everyone.p99.toFixed(2)} ms`);
