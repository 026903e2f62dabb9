import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { board, feedItem, sessionLive } from '../test/fixtures';
import { hydrate, loadOfflineCache, persistQueries } from './offlineCache';
import { queryKeys } from './queryKeys';

describe('offline cache', () => {
  it('keeps the last known live values, trimmed, and brings them back in a new page', () => {
    const storage = new Map<string, string>();
    const store = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const before = new QueryClient();
    const feed = Array.from({ length: 500 }, (_, i) => feedItem(`u${i}`));
    before.setQueryData(queryKeys.liveActivity, board({ recent_activity: feed }));
    before.setQueryData(queryKeys.sessionLive('s1'), sessionLive('s1'));
    before.setQueryData(['something', 'else'], 1);
    const handle = persistQueries(before, () => 1234, store, 60_000);
    handle.save();
    handle.stop();

    const saved = loadOfflineCache(store);
    expect(saved?.lastDataAt).toBe(1234);
    expect(saved?.entries.map((e) => e.key)).toEqual([queryKeys.liveActivity, queryKeys.sessionLive('s1')]);
    const after = new QueryClient();
    hydrate(after, saved!);
    expect(after.getQueryData<ReturnType<typeof board>>(queryKeys.liveActivity)?.recent_activity).toHaveLength(300);
    expect(after.getQueryData(queryKeys.sessionLive('s1'))).toEqual(sessionLive('s1'));
  });

  it('reads nothing from an empty or broken store', () => {
    expect(loadOfflineCache({ getItem: () => null, setItem: () => {} })).toBeNull();
    expect(loadOfflineCache({ getItem: () => '{nope', setItem: () => {} })).toBeNull();
  });
});
