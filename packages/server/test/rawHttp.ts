import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The server agreed to switch protocols (101): the socket is destroyed at once. */
  upgraded: boolean;
}

/**
 * One request with the path exactly as given: `fetch` and `app.inject()` normalise `/./`, `..`
 * and `#` away, which is what the route × spelling matrix must not do.
 */
export function send(port: number, method: string, rawPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers: { connection: 'close', ...headers }, agent: false });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, upgraded: false }));
      response.on('error', reject);
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '', upgraded: true });
    });
    request.on('error', reject);
    request.end();
  });
}

/** The headers of a WebSocket upgrade request (RFC 6455 §4.1). */
export const UPGRADE_HEADERS = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

export interface TimedSocket {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with the milliseconds from connect until the server closed the socket. */
  closed: Promise<number>;
}

/** A raw TCP connection that records what it receives and when it was closed. */
export function openSocket(port: number): Promise<TimedSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const started = Date.now();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined); // writes after the server closed: the close is what is measured
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Writes one byte every `everyMs` until the socket closes: a client sending its body (or headers) as slowly as it can. */
export function dribble(socket: net.Socket, everyMs: number, byte = 'x'): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer);
    else socket.write(byte);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}
