import {
  AlertListSchema,
  AlertSchema,
  ConversationPageSchema,
  ErrorBodySchema,
  HealthSchema,
  LiveActivitySchema,
  LiveSeriesSchema,
  LiveStatsSchema,
  ProjectListSchema,
  SessionDetailSchema,
  SessionLiveSchema,
  SessionPageSchema,
  UsageLimitsSchema,
  UsageResponseSchema,
  SummarySchema,
  type Alert,
  type ConversationPage,
  type Health,
  type LiveActivity,
  type LiveSeries,
  type LiveStats,
  type ProjectList,
  type SessionDetail,
  type SessionLive,
  type SessionPage,
  type SessionStatus,
  type UsageLimits,
  type UsageQuery,
  type UsageResponse,
  type Summary,
} from '@claudelens/protocol';

/** A 4xx/5xx answer (with the server's error code), or no answer at all (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Parser<T> {
  parse(data: unknown): T;
}

export interface SessionListParams {
  project?: string;
  status?: SessionStatus;
  since?: string;
  limit?: number;
  cursor?: string;
}

export interface ApiClientOptions {
  /** '' for the page's own origin. */
  baseUrl: string;
  token: () => string | null;
  fetch?: typeof fetch;
}

/** Every REST endpoint the dashboard reads, each answer parsed with its protocol schema. */
export class ApiClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /**
   * Does the server answer, and take the token? A cheap authenticated GET (alerts newer than the
   * far future: an empty list): 2xx or 404 (a server without alerts) is yes; 401/403 is a token
   * problem; no answer at all is "unreachable".
   */
  async probe(): Promise<'reachable' | 'unreachable' | 'unauthorized'> {
    try {
      const token = this.options.token();
      const response = await this.fetchImpl(`${this.options.baseUrl}/api/v1/alerts?since=9999999999999`, {
        cache: 'no-store',
        credentials: 'same-origin',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(4000),
      });
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) return 'unauthorized';
      return response.ok || response.status === 404 ? 'reachable' : 'unreachable';
    } catch {
      return 'unreachable';
    }
  }

  /** The server's phase (GET /healthz): 'backfilling' while it reads what was written while it was away. */
  async phase(): Promise<string | null> {
    try {
      const response = await this.fetchImpl(`${this.options.baseUrl}/healthz`, { cache: 'no-store' });
      const body = (await response.json()) as { phase?: unknown };
      return typeof body.phase === 'string' ? body.phase : null;
    } catch {
      return null;
    }
  }

  /** GET /healthz (never needs a token): the phase, and the start-up read's progress while backfilling; null when unreachable. */
  async health(): Promise<Health | null> {
    try {
      const response = await this.fetchImpl(`${this.options.baseUrl}/healthz`, { cache: 'no-store' });
      return HealthSchema.parse(await response.json());
    } catch {
      return null;
    }
  }

  liveActivity = (): Promise<LiveActivity> => this.get('/api/v1/analytics/live-activity', LiveActivitySchema);
  series = (): Promise<LiveSeries> => this.get('/api/v1/analytics/series', LiveSeriesSchema);
  /** Today and this week in the browser's time zone (GET /api/v1/analytics/summary). */
  summary = (tz: string): Promise<Summary> => this.get('/api/v1/analytics/summary', SummarySchema, { tz });
  sessionLive = (sessionId: string): Promise<SessionLive> => this.get('/api/v1/analytics/session/live', SessionLiveSchema, { session_id: sessionId });
  statsLive = (sessionId: string): Promise<LiveStats> => this.get('/api/v1/analytics/stats/live', LiveStatsSchema, { session_id: sessionId });
  projects = (): Promise<ProjectList> => this.get('/api/v1/projects', ProjectListSchema);
  sessions = (params: SessionListParams = {}): Promise<SessionPage> => this.get('/api/v1/sessions', SessionPageSchema, params);
  session = (sessionId: string): Promise<SessionDetail> => this.get(`/api/v1/sessions/${encodeURIComponent(sessionId)}`, SessionDetailSchema);
  messages = (sessionId: string, params: { limit?: number; cursor?: string } = {}): Promise<ConversationPage> =>
    this.get(`/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`, ConversationPageSchema, params);
  usage = (params: UsageQuery): Promise<UsageResponse> => this.get('/api/v1/usage', UsageResponseSchema, params);
  alerts = (): Promise<{ alerts: Alert[] }> => this.get('/api/v1/alerts', AlertListSchema);
  usageLimits = (): Promise<UsageLimits> => this.get('/api/v1/usage/limits', UsageLimitsSchema);
  acknowledgeAlert = (id: string): Promise<Alert> => this.request('POST', `/api/v1/alerts/${encodeURIComponent(id)}/ack`, AlertSchema);

  private get<T>(path: string, schema: Parser<T>, params: object = {}): Promise<T> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
    const search = query.size > 0 ? `?${query}` : '';
    return this.request('GET', `${path}${search}`, schema);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, schema: Parser<T>): Promise<T> {
    const token = this.options.token();
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        credentials: 'same-origin',
      });
    } catch (error) {
      throw new ApiError(0, 'unreachable', error instanceof Error ? error.message : 'the server did not answer');
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(body);
      throw new ApiError(response.status, parsed.success ? parsed.data.error.code : 'http_error', parsed.success ? parsed.data.error.message : `HTTP ${response.status}`);
    }
    return schema.parse(body);
  }
}
