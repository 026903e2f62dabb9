import { describe, expect, it } from 'vitest';
import type { ClusterStore } from './cluster.js';
import type { AppliedBatch, Store } from './repository.js';
import { watchStoreFaults } from './storeFaults.js';

const full = Object.assign(new Error('could not extend file'), { code: '53100' });

function observer() {
  const seen = { failed: [] as unknown[], wrote: 0 };
  return { seen, observer: { failed: (error: unknown) => seen.failed.push(error), wrote: () => seen.wrote++ } };
}

describe('watchStoreFaults', () => {
  it("shows the cluster part's errors too, as it shows the store's, and hands out one watched cluster part", async () => {
    const cluster = { claimSources: () => Promise.reject(full), connectionLosses: () => 2 } as Partial<ClusterStore> as ClusterStore;
    const applied: AppliedBatch = { newEntries: [], requestChanges: [], problems: 0, sessions: [] };
    const store = { cluster, applyBatches: async () => applied, counts: () => Promise.reject(full) } as Partial<Store> as Store;
    const { seen, observer: watching } = observer();
    const watched = watchStoreFaults(store, watching);

    await expect(watched.cluster?.claimSources({ nodeId: 'a', claudeDirs: ['/d'], ttlSeconds: 1 })).rejects.toBe(full);
    await expect(watched.counts()).rejects.toBe(full);
    expect(seen.failed).toEqual([full, full]);
    expect(watched.cluster?.connectionLosses()).toBe(2);
    expect(watched.cluster).toBe(watched.cluster);
    await expect(watched.applyBatches([])).resolves.toBe(applied);
    expect(seen.wrote).toBe(1);
  });

  it('leaves a store without a cluster part (one node) without one', () => {
    const store = { close: async () => {} } as Partial<Store> as Store;
    expect(watchStoreFaults(store, observer().observer).cluster).toBeUndefined();
  });
});
