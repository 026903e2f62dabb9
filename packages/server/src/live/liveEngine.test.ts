// What a node publishes of a commit: all of it when the commit is its own, nothing when another
// node made it (that node publishes it), and what the clock causes in either case.
import { describe, expect, it } from 'vitest';
import { appliedUserLine } from '../../test/helpers.js';
import { liveLine, type LiveInput } from '../core/live/liveInput.js';
import { LiveState } from '../core/live/liveState.js';
import type { AppliedBatch } from '../store/repository.js';
import type { BusHealth, EventBus, Publishable } from './bus.js';
import type { CommitCoordinator } from './cluster/clusterBus.js';
import type { ChannelEvent } from './hub.js';
import { LiveEngine } from './liveEngine.js';

const MIN = 60_000;

/** The bus as the engine sees it, recording what it was asked to send; `once` marks publishOnce. */
class RecordingBus implements EventBus {
  readonly sent: { channel: string; type: string; once: boolean }[] = [];
  readonly forgotten: string[] = [];
  publish(channel: string, event: Publishable): void {
    this.sent.push({ channel, type: String(event.type), once: false });
  }
  async publishOnce(_key: string, _ttlMs: number, channel: string, event: Publishable): Promise<boolean> {
    this.sent.push({ channel, type: String(event.type), once: true });
    return true;
  }
  forget(channel: string): void {
    this.forgotten.push(channel);
  }
  async history(): Promise<ChannelEvent[] | null> {
    return null;
  }
  health(): BusHealth {
    return { kind: 'local', up: true, buffered: 0, dropped: 0, sent: this.sent.length, received: 0 };
  }
  async close(): Promise<void> {}
}

/** The input another node shares for that commit. */
function asRemote(applied: AppliedBatch): LiveInput {
  return { lines: applied.newEntries.map(liveLine), costByLine: new Map(), usageDeltas: new Map(), sessions: applied.sessions };
}

function node() {
  const clock = { now: Date.now() };
  const bus = new RecordingBus();
  const state = new LiveState({ idleAfterMs: 2 * MIN, endedAfterMs: 30 * MIN }, () => clock.now);
  const engine = new LiveEngine(state, bus, { now: () => clock.now });
  return { clock, bus, state, engine };
}

describe('LiveEngine across nodes', () => {
  it('publishes its own commit whole: the message, the stats, the session starting and its status', () => {
    const { clock, bus, engine } = node();
    engine.onApplied(appliedUserLine('s1', clock.now));
    expect(bus.sent).toEqual(
      expect.arrayContaining([
        { channel: 'session:s1', type: 'new_message', once: false },
        { channel: 'activity', type: 'new_message', once: false },
        { channel: 'stats:s1', type: 'stat_update', once: false },
        { channel: 'session:s1', type: 'session_update', once: true },
        { channel: 'activity', type: 'session_update', once: true },
      ]),
    );
  });

  it("with several nodes shares its commit and publishes it inside the commit's gate; taken over, it still applies the commit", () => {
    const { clock, bus, state } = node();
    const steps: string[] = [];
    let takenOver = false;
    const cluster: CommitCoordinator = {
      share: () => steps.push('share'),
      commit: (commit, work) => {
        steps.push(`gate ${commit}`);
        const before = bus.sent.length;
        work();
        // A commit another node took over: what work sent never leaves this node (RedisBus drops it).
        if (takenOver) bus.sent.length = before;
      },
      published: async () => new Map(),
      takeOver: async () => 0,
      onInput: () => {},
    };
    const engine = new LiveEngine(state, bus, { now: () => clock.now, cluster });
    engine.onApplied({ ...appliedUserLine('s1', clock.now), commit: 7 });
    expect(steps).toEqual(['gate 7', 'share']);
    expect(bus.sent).toEqual(expect.arrayContaining([{ channel: 'session:s1', type: 'new_message', once: false }]));
    takenOver = true;
    const sentBefore = bus.sent.length;
    engine.onApplied({ ...appliedUserLine('s2', clock.now), commit: 8 });
    expect(bus.sent).toHaveLength(sentBefore);
    expect(state.get('s2')?.stats.messages).toBe(1);
  });

  it("publishes nothing of another node's commit, yet follows it: the clock's changes to that session go out", () => {
    const { clock, bus, state, engine } = node();
    engine.onRemote(asRemote(appliedUserLine('s1', clock.now)));
    expect(bus.sent).toEqual([]);
    expect(state.get('s1')?.stats.messages).toBe(1);
    expect(state.get('s1')?.status).toBe('thinking'); // a user line: the reply is awaited

    clock.now += 31 * MIN; // ended by the clock: every node derives it, the first node's copy goes out
    engine.tick();
    expect(bus.sent).toEqual([
      { channel: 'session:s1', type: 'session_update', once: true },
      { channel: 'activity', type: 'session_update', once: true },
      { channel: 'activity', type: 'session_ended', once: true },
    ]);
    expect(bus.forgotten).toEqual(['session:s1', 'stats:s1']);
    expect(state.get('s1')).toBeUndefined();
  });

  it('drops an ended session from its live state; a later line starts it again from the store\'s totals', () => {
    const { clock, bus, state, engine } = node();
    engine.onApplied(appliedUserLine('s1', clock.now, 0.25));
    clock.now += 31 * MIN;
    engine.tick();
    expect(state.get('s1')).toBeUndefined();
    expect([...state.all()]).toEqual([]);
    expect(state.metricUpdates().active_sessions).toBe(0);

    // The session resumes: the commit carries its stored totals (now 2 messages, $0.50).
    bus.sent.length = 0;
    const resumed = appliedUserLine('s1', clock.now, 0.5);
    (resumed.sessions[0] as { messageCount: number }).messageCount = 2;
    engine.onApplied(resumed);
    expect(state.get('s1')?.stats).toMatchObject({ messages: 2, cost: 0.5 });
    expect(state.get('s1')?.status).toBe('thinking');
    expect(bus.sent).toEqual(expect.arrayContaining([{ channel: 'activity', type: 'session_started', once: true }]));
  });
});
