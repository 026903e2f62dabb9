import { TOKEN_COOKIE, TOKEN_PROTOCOL_PREFIX } from '@claudelens/protocol';

/** Subprotocol names are HTTP tokens: a token with other characters can only go by cookie. */
const PROTOCOL_SAFE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface TokenHost {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  document: Pick<Document, 'cookie'>;
}

/**
 * Reads `?token=` once: keeps it in the cookie the server accepts and takes it out of the
 * address bar (so it is not bookmarked or shared). Returns the token in force, if any.
 */
export function adoptToken(host: TokenHost): string | null {
  const url = new URL(host.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storeToken(host, fromUrl);
    url.searchParams.delete('token');
    host.history.replaceState(host.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return readTokenCookie(host.document.cookie);
}

/** Keeps a token in the cookie the server accepts, for a year (the sign-in prompt and `?token=`). */
export function storeToken(host: Pick<TokenHost, 'location' | 'document'>, token: string): void {
  const secure = new URL(host.location.href).protocol === 'https:' ? '; Secure' : '';
  host.document.cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; SameSite=Strict; Max-Age=31536000${secure}`;
}

export function readTokenCookie(cookie: string): string | null {
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return null; // a malformed cookie (`%`) is no token: the server answers 401 and the app asks for one
    }
  }
  return null;
}

/** The WebSocket subprotocols that carry the token; none when there is no token or it cannot be one. */
export function tokenProtocols(token: string | null): string[] {
  return token && PROTOCOL_SAFE.test(token) ? [`${TOKEN_PROTOCOL_PREFIX}${token}`] : [];
}
