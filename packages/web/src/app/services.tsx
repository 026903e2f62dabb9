import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiClient } from '../lib/api-client';
import type { ChannelSpec } from '../lib/channels';
import type { ConnectionStatus, LiveClient } from '../lib/live-client';
import type { LiveBindings, LiveSync } from './liveBindings';

export interface Services {
  api: ApiClient;
  live: LiveClient;
  bindings: LiveBindings;
  queryClient: QueryClient;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={services.queryClient}>{children}</QueryClientProvider>
    </ServicesContext.Provider>
  );
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

/** Keeps a channel's cache writer bound while the component is mounted. */
export function useLiveChannel<E extends { type: string; seq: number }>(spec: ChannelSpec<E> | null, createSync: (services: Services) => LiveSync<E>): void {
  const services = useServices();
  const path = spec?.path ?? null;
  useEffect(() => {
    if (!spec) return;
    return services.bindings.retain(spec, () => createSync(services));
    // The channel is its path; `createSync` is read once per binding.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, services]);
}

/** The connection state over some channel paths (all when omitted); re-renders only when it changes. */
export function useConnectionStatus(paths?: string[]): ConnectionStatus {
  const { live } = useServices();
  const key = useSyncExternalStore(
    (listener) => live.onStatus(listener),
    () => {
      const status = live.status(paths);
      return `${status.state}\u0000${status.detail ?? ''}`;
    },
  );
  const [state, detail] = key.split('\u0000') as [ConnectionStatus['state'], string];
  return { state, detail: detail || null };
}

/** REST refetch interval: only while live updates cannot come over a WebSocket. */
export function usePollInterval(ms = 3000): number | false {
  const { state } = useConnectionStatus();
  return state === 'polling' ? ms : false;
}
