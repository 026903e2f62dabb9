import { useEffect, useState } from 'react';
import { ApiError } from '../lib/api-client';
import { useServices } from './services';

const refused = (error: unknown) => error instanceof ApiError && (error.status === 401 || error.status === 403);

/**
 * Whether the server refuses this browser's token (or its lack of one): asked once at start (the
 * probe every reconnect uses), and seen on any REST answer after that.
 */
export function useSignInRequired(): boolean {
  const { api, queryClient } = useServices();
  const [required, setRequired] = useState(false);
  useEffect(() => {
    let live = true;
    void api.probe().then((reach) => {
      if (live && reach === 'unauthorized') setRequired(true);
    });
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && refused(event.query.state.error)) setRequired(true);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [api, queryClient]);
  return required;
}
