import { describe, expect, it } from 'vitest';
import { wsChannels } from './channels.js';

// The server registers `route`; the web client opens `spec(...).path`: each path must match its route.
function matches(route: string, path: string): boolean {
  const pattern = route.replace(/:[a-zA-Z]+/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}

describe('wsChannels', () => {
  it('opens the path its route serves, with the session id encoded', () => {
    expect(matches(wsChannels.stats.route, wsChannels.stats.spec('a b/c').path)).toBe(true);
    expect(wsChannels.stats.spec('a b/c').path).toBe('/ws/stats/a%20b%2Fc');
    expect(matches(wsChannels.session.route, wsChannels.session.spec('s1').path)).toBe(true);
    expect(wsChannels.activity.spec().path).toBe(wsChannels.activity.route);
    expect(wsChannels.metrics.spec().path).toBe(wsChannels.metrics.route);
  });

  it('parses what its channel sends and refuses what another sends', () => {
    const stat = { type: 'stat_update', seq: 1, stat_type: 'tokens', session_id: 's1', timestamp: '2026-01-01T00:00:00.000Z', update: { new_value: 45_000, formatted_value: '45K', delta: 0, animation: 'none' } };
    expect(wsChannels.stats.spec('s1').schema.safeParse(stat).success).toBe(true);
    expect(wsChannels.activity.spec().schema.safeParse(stat).success).toBe(false);
  });
});
