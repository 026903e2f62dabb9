import type { SocketLike } from '../lib/live-client';

/** A WebSocket the test drives: open it, send it frames, close it; it records what the client sent. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: string[] = [];
  closedWith: number | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  get path(): string {
    return new URL(this.url).pathname;
  }

  get since(): string | null {
    return new URL(this.url).searchParams.get('since');
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** A frame from the server (an object is sent as JSON). */
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }

  /** The server (or the network) closed it. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

export class FakeSockets {
  readonly all: FakeSocket[] = [];
  readonly create = (url: string, protocols: string[]): FakeSocket => {
    const socket = new FakeSocket(url, protocols);
    this.all.push(socket);
    return socket;
  };

  /** The newest socket on a path. */
  last(path: string): FakeSocket {
    const socket = this.all.filter((s) => s.path === path).at(-1);
    if (!socket) throw new Error(`no socket on ${path}; have ${this.all.map((s) => s.path).join(', ')}`);
    return socket;
  }

  /** Sockets the client has not closed (and the server has not dropped). */
  open(): FakeSocket[] {
    return this.all.filter((s) => s.readyState !== 3);
  }
}
