import { QueryClient } from '@tanstack/react-query';
import { ApiClient } from '../lib/api-client';
import { LiveClient, type LiveClientOptions } from '../lib/live-client';
import { LiveBindings } from './liveBindings';
import type { Services } from './services';

export interface ServiceOptions {
  /** http(s)://host:port of the server. */
  origin: string;
  token: string | null;
  lastDataAt?: number | null;
  fetch?: typeof fetch;
  live?: Partial<LiveClientOptions>;
}

/** The app's adapters, made once at start (main.tsx) or per test. Nothing connects until a component subscribes. */
export function createServices(options: ServiceOptions): Services {
  const token = () => options.token;
  const api = new ApiClient({ baseUrl: options.origin, token, fetch: options.fetch });
  const live = new LiveClient({
    baseUrl: options.origin,
    token,
    probe: () => api.probe(),
    lastDataAt: options.lastDataAt ?? null,
    events: typeof window === 'undefined' ? undefined : window,
    ...options.live,
  });
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { retry: 1, refetchOnWindowFocus: false },
    },
  });
  return { api, live, bindings: new LiveBindings(live), queryClient };
}
