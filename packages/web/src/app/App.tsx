import { useEffect, useRef } from 'react';
import { BackfillBanner } from '../components/BackfillBanner';
import { ConnectionIndicator } from '../components/ConnectionIndicator';
import { AlertNotifications } from '../features/live/components/AlertNotifications';
import { LivePage } from '../features/live/LivePage';
import { ProjectsPage } from '../features/projects/ProjectsPage';
import { SessionPage } from '../features/session/SessionPage';
import { SessionsPage } from '../features/sessions/SessionsPage';
import { UsagePage } from '../features/usage/UsagePage';
import { Link, matchPath, useLocation } from './router';
import { SignIn } from './SignIn';
import { useSignInRequired } from './useSignInRequired';
import { useTheme } from './useTheme';

function Page({ pathname }: { pathname: string }) {
  if (pathname === '/') return <LivePage />;
  if (pathname === '/session') return <SessionPage sessionId={null} />;
  const session = matchPath('/sessions/:id', pathname);
  if (session?.id) return <SessionPage sessionId={session.id} />;
  if (matchPath('/sessions', pathname)) return <SessionsPage />;
  if (matchPath('/projects', pathname)) return <ProjectsPage />;
  if (matchPath('/usage', pathname)) return <UsagePage />;
  return (
    <div className="page">
      <h1 className="page-title" tabIndex={-1}>
        Not found
      </h1>
      <p>
        Nothing at {pathname}. <Link to="/">Live activity</Link>
      </p>
    </div>
  );
}

const NAV = [
  { to: '/', label: 'Live', current: (p: string) => p === '/' },
  { to: '/session', label: 'Session', current: (p: string) => p === '/session' || p.startsWith('/sessions/') },
  { to: '/sessions', label: 'Sessions', current: (p: string) => p === '/sessions' },
  { to: '/projects', label: 'Projects', current: (p: string) => p === '/projects' },
  { to: '/usage', label: 'Usage', current: (p: string) => p === '/usage' },
];

export function App() {
  const { pathname } = useLocation();
  const [theme, toggleTheme] = useTheme();
  const signIn = useSignInRequired();
  const first = useRef(true);

  // After a route change, focus goes to the new page's heading (screen readers announce it).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main .page-title')?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand" aria-label="ClaudeLens, live activity">
          <span className="brand-mark" aria-hidden="true" />
          ClaudeLens
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.current(pathname) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <BackfillBanner />
          <ConnectionIndicator inline />
          <AlertNotifications />
          <button type="button" className="ghost theme-toggle" onClick={toggleTheme} aria-label={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {signIn ? <SignIn /> : <Page pathname={pathname} />}
      </main>
    </div>
  );
}
