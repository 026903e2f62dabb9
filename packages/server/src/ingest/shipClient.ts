import { ErrorBodySchema, IngestResponseSchema, type IngestResponse } from '@claudelens/protocol';

/** What one POST /api/v1/ingest came to, as the shipper acts on it. */
export type PostOutcome =
  /** 200 or 409: the server's sizes, file by file. */
  | { kind: 'answer'; response: IngestResponse }
  /** 413: send less per request. */
  | { kind: 'too-large' }
  /** Worth trying again later: no connection, a timeout, 5xx, 408, 429. */
  | { kind: 'retry'; reason: string }
  /** Trying again cannot help: 400, 401, 403, 404, an answer that is not the protocol. */
  | { kind: 'fatal'; message: string };

export async function postIngest(endpoint: URL, token: string | null, body: string, signal: AbortSignal): Promise<PostOutcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body,
      signal,
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'retry', reason: describeFailure(error) };
  }
  const status = response.status;
  if (status === 200 || status === 409) {
    const parsed = IngestResponseSchema.safeParse(parseJson(text));
    return parsed.success ? { kind: 'answer', response: parsed.data } : { kind: 'fatal', message: `${endpoint.href} answered ${status} with a body that is not an ingest response` };
  }
  if (status === 413) return { kind: 'too-large' };
  const said = serverMessage(text);
  if (status >= 500 || status === 408 || status === 429) return { kind: 'retry', reason: `server answered ${status}${said}` };
  if (status === 401 || status === 403) return { kind: 'fatal', message: `${endpoint.origin} refused the token (${status}${said}): pass the server's --token` };
  if (status === 404) return { kind: 'fatal', message: `${endpoint.href} not found (404): is --server a ClaudeLens server with remote ingest?` };
  return { kind: 'fatal', message: `${endpoint.href} answered ${status}${said}` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `: <message> (<parameter>)` from a protocol error body, or nothing. */
function serverMessage(text: string): string {
  const parsed = ErrorBodySchema.safeParse(parseJson(text));
  if (!parsed.success) return '';
  const { message, parameter } = parsed.data.error;
  return `: ${message}${parameter && !message.includes(parameter) ? ` (${parameter})` : ''}`;
}

function describeFailure(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return `server unreachable (${e.cause?.code ?? e.cause?.message ?? e.message})`;
}
