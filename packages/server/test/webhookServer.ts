import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '@claudelens/protocol';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface WebhookServer {
  /** With a path, like real webhook URLs that carry a secret. */
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const open = new Set<WebhookServer>();

/** A real HTTP server on 127.0.0.1; `answer` gives the status of the n-th request (0-based), or null never to answer. */
export async function webhookServer(answer: (n: number) => number | null = () => 200): Promise<WebhookServer> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const status = answer(received.length - 1);
      if (status !== null) response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const handle: WebhookServer = {
    url: `http://127.0.0.1:${port}/hooks/secret-token`,
    received,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        open.delete(handle);
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
  open.add(handle);
  return handle;
}

/** A URL nothing listens on: a server's port, after it closed. */
export async function refusedUrl(): Promise<string> {
  const server = await webhookServer();
  await server.close();
  return server.url;
}

export async function closeWebhookServers(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

let n = 0;
export function sampleAlert(over: Partial<Alert> = {}): Alert {
  n++;
  return {
    id: `session_cost:s${n}:${1_700_000_000_000 + n}`,
    rule: 'session_cost',
    severity: 'warning',
    message: `session s${n} has cost $25.00, above the $20.00 threshold`,
    session_id: `s${n}`,
    project: '/home/me/shop',
    value: 25,
    threshold: 20,
    triggered_at: new Date(1_700_000_000_000 + n).toISOString(),
    acknowledged: false,
    ...over,
  };
}
