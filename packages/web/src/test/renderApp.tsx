import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createServices } from '../app/createServices';
import { ServicesProvider, type Services } from '../app/services';
import type { LiveClientOptions } from '../lib/live-client';
import { fakeFetch } from './fakeFetch';
import { FakeSockets } from './fakeSockets';

export interface TestApp {
  services: Services;
  sockets: FakeSockets;
  calls: string[];
}

/** Renders `ui` with real services over a fake fetch and fake sockets; flushes on a 0 ms timer instead of a frame. */
export function renderWithServices(ui: ReactNode, routes: Record<string, unknown>, live: Partial<LiveClientOptions> = {}): TestApp & ReturnType<typeof render> {
  const sockets = new FakeSockets();
  const { fetch, calls } = fakeFetch({ '/api/v1/alerts': { alerts: [] }, ...routes });
  const services = createServices({
    origin: 'http://claudelens.test',
    token: null,
    fetch,
    live: {
      createSocket: sockets.create,
      schedule: (run) => {
        const timer = setTimeout(run, 0);
        return () => clearTimeout(timer);
      },
      random: () => 0.5,
      ...live,
    },
  });
  const result = render(<ServicesProvider services={services}>{ui}</ServicesProvider>);
  return { ...result, services, sockets, calls };
}
