// The dashboard's one WebSocket client: a socket per channel, backoff, `?since=` resume, resync,
// and polling when sockets fail. Over 300 lines, as one class: reconnects, resume marks and the
// polling fallback share each channel's state, and the connection status reads all of it.
import { backoffDelay } from './backoff';
import type { ChannelSpec } from './channels';
import { frameScheduler, type Schedule } from './frameScheduler';
import { tokenProtocols } from './token';

// The one WebSocket client of the app. One socket per channel path, shared by every subscriber
// of it; events are parsed with the channel's protocol schema and handed over once per
// animation frame, in batches. Reconnects with exponential backoff and jitter, resuming with
// `?since=<last seq>`; pings to find a dead peer; falls back to REST polling when sockets cannot
// connect while the server answers, and says "offline" when it does not answer at all.

export type ConnectionState = 'idle' | 'connecting' | 'live' | 'polling' | 'offline' | 'error';
export type Reachability = 'reachable' | 'unreachable' | 'unauthorized';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why: for `error` and `polling`. */
  detail: string | null;
}

type AnyEvent = { type: string; seq: number };
type Listener<E> = (events: E[]) => void;

/** The part of the DOM WebSocket this client uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveClientOptions {
  /** http(s)://host:port of the server. */
  baseUrl: string;
  token: () => string | null;
  /** Does the server answer HTTP (and accept the token)? Asked when a socket fails. */
  probe: () => Promise<Reachability>;
  createSocket?: (url: string, protocols: string[]) => SocketLike;
  schedule?: Schedule;
  random?: () => number;
  now?: () => number;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Failed connects in a row, with the server answering HTTP, before polling REST instead. */
  failuresBeforePolling?: number;
  /** When data last came (from the offline cache): "Offline — as of HH:MM" after a reload. */
  lastDataAt?: number | null;
  /** Where `online` is announced (window). */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
}

/** Close codes of docs/api.md. */
const UNKNOWN_SESSION = 4404;
const UNAUTHORIZED = 4401;
const OPEN = 1;
const CONNECTING = 0;
const PRIORITY: Record<ConnectionState, number> = { idle: 0, live: 1, connecting: 2, polling: 3, offline: 4, error: 5 };

export class LiveClient {
  private readonly channels = new Map<string, Channel<AnyEvent>>();
  private readonly statusListeners = new Set<() => void>();
  private readonly schedule: Schedule;
  private cancelFlush: (() => void) | null = null;
  private probing: Promise<Reachability> | null = null;
  private lastData: number | null;
  private readonly onOnline = () => this.retryNow();

  constructor(readonly options: LiveClientOptions) {
    this.schedule = options.schedule ?? frameScheduler();
    this.lastData = options.lastDataAt ?? null;
  }

  /** Listens to a channel; `listener` gets the channel's events (never a pong) in per-frame batches. */
  subscribe<E extends AnyEvent>(spec: ChannelSpec<E>, listener: Listener<E>): () => void {
    let channel = this.channels.get(spec.path) as Channel<E> | undefined;
    if (!channel) {
      if (this.channels.size === 0) this.options.events?.addEventListener('online', this.onOnline);
      channel = new Channel<E>(spec, this);
      this.channels.set(spec.path, channel as unknown as Channel<AnyEvent>);
      channel.listeners.add(listener);
      channel.open();
      this.statusChanged();
    } else channel.listeners.add(listener);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const current = this.channels.get(spec.path) as Channel<E> | undefined;
      if (!current) return;
      current.listeners.delete(listener);
      if (current.listeners.size > 0) return;
      current.dispose();
      this.channels.delete(spec.path);
      if (this.channels.size === 0) {
        this.options.events?.removeEventListener('online', this.onOnline);
        this.cancelFlush?.();
        this.cancelFlush = null;
      }
      this.statusChanged();
    };
  }

  /** The worst state over the given channel paths (all channels when omitted). */
  status(paths?: string[]): ConnectionStatus {
    let worst: ConnectionStatus = { state: 'idle', detail: null };
    for (const [path, channel] of this.channels) {
      if (paths && !paths.includes(path)) continue;
      if (PRIORITY[channel.state] > PRIORITY[worst.state]) worst = { state: channel.state, detail: channel.detail };
    }
    return worst;
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** When the server last sent anything, in ms since the epoch. */
  lastDataAt(): number | null {
    return this.lastData;
  }

  /** Open channels (for leak checks and diagnostics). */
  openChannels(): string[] {
    return [...this.channels.keys()];
  }

  /** Reconnects every waiting channel now (the browser came back online). */
  retryNow(): void {
    for (const channel of this.channels.values()) channel.retryNow();
  }

  close(): void {
    for (const channel of this.channels.values()) channel.dispose();
    this.channels.clear();
    this.options.events?.removeEventListener('online', this.onOnline);
    this.cancelFlush?.();
    this.cancelFlush = null;
    this.statusChanged();
  }

  // ---- for Channel ----

  /** @internal */
  received(): void {
    this.lastData = (this.options.now ?? Date.now)();
  }

  /** @internal */
  requestFlush(): void {
    this.cancelFlush ??= this.schedule(() => {
      this.cancelFlush = null;
      for (const channel of this.channels.values()) channel.deliver();
    });
  }

  /** @internal One probe at a time, shared by every channel that failed together. */
  probe(): Promise<Reachability> {
    this.probing ??= this.options.probe().finally(() => (this.probing = null));
    return this.probing;
  }

  /** @internal */
  statusChanged(): void {
    for (const listener of [...this.statusListeners]) listener();
  }

  /** @internal */
  socketUrl(path: string, since: number | null): string {
    const base = this.options.baseUrl.replace(/^http/, 'ws');
    return `${base}${path}${since === null ? '' : `?since=${since}`}`;
  }
}

class Channel<E extends AnyEvent> {
  readonly listeners = new Set<Listener<E>>();
  state: ConnectionState = 'connecting';
  detail: string | null = null;
  private queue: E[] = [];
  private socket: SocketLike | null = null;
  /** The last seq received on this socket's channel; null: connect fresh (a snapshot comes first). */
  private seq: number | null = null;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private warnedBadFrame = false;

  constructor(
    private readonly spec: ChannelSpec<E>,
    private readonly client: LiveClient,
  ) {}

  open(): void {
    this.clearRetry();
    if (this.disposed) return;
    const { options } = this.client;
    const create = options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
    let socket: SocketLike;
    try {
      socket = create(this.client.socketUrl(this.spec.path, this.seq), tokenProtocols(options.token()));
    } catch {
      this.closed(1006, 'could not open a socket');
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.startHeartbeat();
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = (event) => {
      this.detach();
      this.closed(event.code, event.reason);
    };
    socket.onerror = () => {}; // a close event follows
  }

  retryNow(): void {
    if (this.retryTimer === null || this.disposed) return;
    this.open();
  }

  deliver(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch (error) {
        console.error(`live: a listener of ${this.spec.path} failed`, error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    const socket = this.socket;
    this.detach();
    if (socket && (socket.readyState === OPEN || socket.readyState === CONNECTING)) socket.close(1000, 'unsubscribed');
    this.queue = [];
  }

  private receive(data: unknown): void {
    this.client.received();
    this.clearPongTimer();
    if (this.state !== 'live') {
      this.failures = 0;
      this.setState('live', null);
    }
    let parsed: unknown;
    try {
      parsed = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      parsed = undefined;
    }
    const result = this.spec.schema.safeParse(parsed);
    if (!result.success) {
      if (!this.warnedBadFrame) console.warn(`live: ignored a frame on ${this.spec.path} that does not match the protocol`, data);
      this.warnedBadFrame = true;
      return;
    }
    const event = result.data;
    // A pong carries the channel's current seq, which may be ahead of what this socket has
    // received (events still queued for it): resuming from it would skip them.
    if (event.type === 'pong') return;
    this.seq = event.seq;
    this.queue.push(event);
    this.client.requestFlush();
  }

  private closed(code: number, reason: string): void {
    this.stopHeartbeat();
    if (this.disposed) return;
    if (code === UNKNOWN_SESSION) {
      this.setState('error', reason || 'unknown session');
      return; // it will not become known by asking again
    }
    this.failures++;
    this.retryTimer = setTimeout(() => this.open(), backoffDelay(this.failures - 1, this.client.options.random ?? Math.random, this.client.options.backoffBaseMs, this.client.options.backoffMaxMs));
    if (code === UNAUTHORIZED) {
      this.setState('error', 'unauthorized: open the dashboard with ?token=…');
      return;
    }
    if (this.state === 'live') this.setState('connecting', null);
    void this.client.probe().then((reach) => {
      if (this.disposed || this.socket?.readyState === OPEN) return;
      if (reach === 'unreachable') this.setState('offline', null);
      else if (reach === 'unauthorized') this.setState('error', 'unauthorized: open the dashboard with ?token=…');
      else if (this.failures >= (this.client.options.failuresBeforePolling ?? 2)) {
        // REST polling now updates the cache: replaying missed events on top of it would count
        // them twice, so the next socket starts fresh with a snapshot.
        this.seq = null;
        this.setState('polling', 'WebSocket unavailable: refreshing over HTTP');
      } else this.setState('connecting', null);
    });
  }

  private startHeartbeat(): void {
    const { heartbeatMs = 20_000, pongTimeoutMs = 10_000 } = this.client.options;
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => {
      if (this.socket?.readyState !== OPEN) return;
      this.socket.send(JSON.stringify({ type: 'ping' }));
      this.clearPongTimer();
      this.pongTimer = setTimeout(() => {
        // No frame at all since the ping: the peer is gone without a close (a dead network).
        const socket = this.socket;
        this.detach();
        socket?.close(4000, 'no pong');
        this.closed(1006, 'heartbeat timeout');
      }, pongTimeoutMs);
    }, heartbeatMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.clearPongTimer();
  }

  private clearPongTimer(): void {
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private detach(): void {
    this.stopHeartbeat();
    if (!this.socket) return;
    this.socket.onopen = this.socket.onmessage = this.socket.onclose = this.socket.onerror = null;
    this.socket = null;
  }

  private setState(state: ConnectionState, detail: string | null): void {
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    this.client.statusChanged();
  }
}
