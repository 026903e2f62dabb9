import { describe, expect, it, vi } from 'vitest';
import { adoptToken, readTokenCookie, tokenProtocols } from './token';

describe('token', () => {
  it('reads ?token= once, keeps it in the cookie the server accepts, and takes it out of the address', () => {
    const host = { location: { href: 'http://127.0.0.1:4280/sessions?x=1&token=ab.c' }, history: { state: null, replaceState: vi.fn() }, document: { cookie: '' } };
    expect(adoptToken(host)).toBe('ab.c');
    expect(host.document.cookie).toMatch(/^claudelens_token=ab\.c; Path=\/; SameSite=Strict/);
    expect(host.history.replaceState).toHaveBeenCalledWith(null, '', '/sessions?x=1');
    expect(readTokenCookie('a=1; claudelens_token=ab.c')).toBe('ab.c');
    expect(adoptToken({ ...host, location: { href: 'http://127.0.0.1:4280/' }, document: { cookie: 'claudelens_token=zz' } })).toBe('zz');
  });

  it('takes a malformed token cookie for no token instead of throwing', () => {
    expect(readTokenCookie('claudelens_token=%')).toBeNull();
    expect(readTokenCookie('claudelens_token=%E0%A4%A; other=1')).toBeNull();
  });

  it('offers the token as a subprotocol only when it can be one', () => {
    expect(tokenProtocols('abc-123')).toEqual(['claudelens.token.abc-123']);
    expect(tokenProtocols('has space')).toEqual([]);
    expect(tokenProtocols(null)).toEqual([]);
  });
});
