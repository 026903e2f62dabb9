// The server's token transports (docs/api.md, Security): a cookie for REST, a WebSocket
// subprotocol for sockets (browsers cannot set headers on a WebSocket). The server's auth and
// its WebSocket routes read them, and the web app sends them: one spelling for all three.
export const TOKEN_COOKIE = 'claudelens_token';
export const TOKEN_PROTOCOL_PREFIX = 'claudelens.token.';
