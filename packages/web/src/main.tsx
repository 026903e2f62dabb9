import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices } from './app/createServices';
import { ServicesProvider } from './app/services';
import { hydrate, loadOfflineCache, persistQueries } from './lib/offlineCache';
import { adoptToken } from './lib/token';
import './styles/theme.css';
import './styles/layout.css';
import './styles/live.css';
import './styles/session.css';
import './styles/phone.css';

// The composition root: the token, the last known values, the adapters, then render.
const token = adoptToken(window);
const saved = loadOfflineCache(localStorage);
const services = createServices({ origin: window.location.origin, token, lastDataAt: saved?.lastDataAt });
if (saved) hydrate(services.queryClient, saved);
persistQueries(services.queryClient, () => services.live.lastDataAt(), localStorage);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ServicesProvider services={services}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
