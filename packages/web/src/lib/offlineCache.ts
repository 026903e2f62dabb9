import type { LiveActivity, SessionLive, SessionPage } from '@claudelens/protocol';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';

// The last known values, kept in localStorage: after a reload with the server gone, the
// dashboard still shows what it last knew ("Offline — as of HH:MM"), not an empty page.
// Saved every few seconds when something changed, in an idle moment, trimmed to stay small.

const STORAGE_KEY = 'claudelens.cache.v1';
const FEED_KEPT = 300;
const SESSION_MESSAGES_KEPT = 100;
const SESSIONS_KEPT = 8;

export interface SavedCache {
  savedAt: number;
  lastDataAt: number | null;
  entries: { key: QueryKey; data: unknown; updatedAt: number }[];
}

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export function loadOfflineCache(storage: Store): SavedCache | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const saved = JSON.parse(raw) as SavedCache;
    return Array.isArray(saved.entries) ? saved : null;
  } catch {
    return null;
  }
}

export function hydrate(queryClient: QueryClient, saved: SavedCache): void {
  for (const entry of saved.entries) queryClient.setQueryData(entry.key, entry.data, { updatedAt: entry.updatedAt });
}

/** What is kept of a query, trimmed; undefined: not kept. */
function keep(key: QueryKey, data: unknown): unknown {
  const [scope, id, part] = key as unknown[];
  if (scope === 'live' && id === 'activity') {
    const board = data as LiveActivity;
    return { ...board, recent_activity: board.recent_activity.slice(0, FEED_KEPT) };
  }
  if (scope === 'live' || scope === 'alerts' || scope === 'projects') return data;
  if (scope === 'sessions' && id && typeof id === 'object' && Object.keys(id).length === 0) {
    const pages = data as InfiniteData<SessionPage, string | undefined>;
    return { pages: pages.pages.slice(0, 1), pageParams: pages.pageParams.slice(0, 1) };
  }
  if (scope === 'session' && part === 'stats') return data;
  if (scope === 'session' && part === 'live') {
    const session = data as SessionLive;
    return { ...session, recent_messages: session.recent_messages.slice(-SESSION_MESSAGES_KEPT) };
  }
  return undefined;
}

export interface PersistHandle {
  save(): void;
  stop(): void;
}

export function persistQueries(queryClient: QueryClient, lastDataAt: () => number | null, storage: Store, everyMs = 3000): PersistHandle {
  let dirty = false;
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') dirty = true;
  });
  const save = () => {
    dirty = false;
    const entries: SavedCache['entries'] = [];
    const sessions: SavedCache['entries'] = [];
    for (const query of queryClient.getQueryCache().getAll()) {
      if (query.state.data === undefined) continue;
      const data = keep(query.queryKey, query.state.data);
      if (data === undefined) continue;
      const entry = { key: query.queryKey, data, updatedAt: query.state.dataUpdatedAt };
      (query.queryKey[0] === 'session' ? sessions : entries).push(entry);
    }
    sessions.sort((a, b) => b.updatedAt - a.updatedAt);
    const saved: SavedCache = { savedAt: Date.now(), lastDataAt: lastDataAt(), entries: [...entries, ...sessions.slice(0, SESSIONS_KEPT * 2)] };
    try {
      storage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // quota: the previous copy stays
    }
  };
  const idle = (run: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 1000 }) : run());
  const timer = setInterval(() => dirty && idle(save), everyMs);
  const onHide = () => save();
  if (typeof window !== 'undefined') window.addEventListener('pagehide', onHide);
  return {
    save,
    stop() {
      clearInterval(timer);
      unsubscribe();
      if (typeof window !== 'undefined') window.removeEventListener('pagehide', onHide);
    },
  };
}
