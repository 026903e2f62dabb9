import { useState, type FormEvent } from 'react';
import { ApiClient } from '../lib/api-client';
import { storeToken } from '../lib/token';

/**
 * What a server started with `--token` shows a browser without it: paste the token, it is checked
 * against the server, kept in the same cookie as `?token=` (lib/token.ts), and the app starts again
 * with it.
 */
export function SignIn() {
  const [token, setToken] = useState('');
  const [state, setState] = useState<'idle' | 'checking' | 'refused' | 'unreachable'>('idle');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) return;
    setState('checking');
    const reach = await new ApiClient({ baseUrl: window.location.origin, token: () => candidate }).probe();
    if (reach !== 'reachable') {
      setState(reach === 'unauthorized' ? 'refused' : 'unreachable');
      return;
    }
    storeToken(window, candidate);
    window.location.reload();
  };

  return (
    <div className="page sign-in-page">
      <form className="panel sign-in" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title" className="page-title" tabIndex={-1}>
          Sign in
        </h1>
        <p>
          This ClaudeLens server needs its access token (the <code>--token</code> or <code>CLAUDELENS_TOKEN</code> it was started with). This browser keeps it
          in a cookie.
        </p>
        <label htmlFor="sign-in-token">Token</label>
        <div className="sign-in-row">
          <input id="sign-in-token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
          <button type="submit" disabled={state === 'checking' || token.trim() === ''}>
            {state === 'checking' ? 'Checking…' : 'Sign in'}
          </button>
        </div>
        {state === 'refused' && (
          <p className="sign-in-error" role="alert">
            The server refused that token.
          </p>
        )}
        {state === 'unreachable' && (
          <p className="sign-in-error" role="alert">
            The server did not answer; try again.
          </p>
        )}
      </form>
    </div>
  );
}
