type Route = unknown | ((url: URL, init: RequestInit | undefined) => unknown);

export interface FakeFetch {
  fetch: typeof fetch;
  calls: string[];
}

/**
 * A fetch that answers from a table of `METHOD /path` (or `/path` for GET) to JSON bodies; a
 * Response as the value is sent as is, anything missing is a 404 in the server's error shape.
 */
export function fakeFetch(routes: Record<string, Route>): FakeFetch {
  const calls: string[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://claudelens.test');
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${url.pathname}${url.search}`);
    const route = routes[`${method} ${url.pathname}`] ?? (method === 'GET' ? routes[url.pathname] : undefined);
    if (route === undefined) return Response.json({ error: { code: 'not_found', message: `no route ${method} ${url.pathname}` } }, { status: 404 });
    const body = typeof route === 'function' ? await (route as (u: URL, i: RequestInit | undefined) => unknown)(url, init) : route;
    return body instanceof Response ? body : Response.json(body);
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}
