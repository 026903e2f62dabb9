import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ConversationMessage, ConversationPage, ProjectList, SessionDetail, SessionPage, SessionQuery, SessionStatus } from '@claudelens/protocol';
import type { LiveState } from '../core/live/liveState.js';
import { openLine, readBack } from '../ingest/readBack.js';
import { CONTENT_LIMITS, cutContent } from './cutContent.js';
import type { HistoryReads, LiveReads } from '../store/readModel.js';
import type { SessionPageQuery, SessionPosition, StoredMessage } from '../store/repository.js';

/** GET /api/v1/sessions, its cursor decoded. */
export type SessionListQuery = Omit<SessionQuery, 'cursor'> & { after?: SessionPosition };
/** GET /api/v1/sessions/{id}/messages, its cursor decoded to the store's. */
export interface ConversationListQuery {
  limit: number;
  after?: string;
}

/** A line longer than this is skimmed before it is parsed for a page (readBack): parsing is the costly part. */
const SHRINK_ABOVE_BYTES = 512 * 1024;
/**
 * A page ends early, before `limit`, once its messages' content passes the first or the lines
 * read for it the second (its cursor goes on from there): 200 lines of 60 MB are 12 GB to read.
 */
const PAGE_CONTENT_BYTES = 4 * 1024 * 1024;
const PAGE_READ_BYTES = 128 * 1024 * 1024;

/**
 * The dashboard's history bodies: projects, sessions and conversations from the store, each
 * session with its status from the live state. Undefined for a session the store has never seen.
 */
export class DashboardQueries {
  constructor(
    private readonly state: LiveState,
    private readonly store: HistoryReads & Pick<LiveReads, 'session'>,
  ) {}

  async projects(): Promise<ProjectList> {
    const projects = await this.store.projects();
    return {
      projects: projects.map((p) => ({
        path: p.path,
        sessions: p.sessions,
        messages: p.messages,
        tokens: p.tokens,
        cost: p.cost,
        first_activity: p.firstActivity,
        last_activity: p.lastActivity,
      })),
    };
  }

  async sessions(query: SessionListQuery): Promise<SessionPage> {
    // One reading of the live statuses serves both the filter and the items.
    const live = this.liveStatuses();
    const rows = await this.store.sessionPage({
      project: query.project,
      since: query.since,
      until: query.until,
      ...statusFilter(live, query.status),
      after: query.after,
      limit: query.limit + 1, // one more tells whether there is a next page
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      sessions: page.map((s) => ({ ...s, status: live.get(s.sessionId) ?? 'ended' })),
      next_cursor: rows.length > query.limit && last ? encodeCursor({ t: last.lastActivity, id: last.sessionId }) : null,
    };
  }

  async session(sessionId: string): Promise<SessionDetail | undefined> {
    const summary = await this.store.sessionSummary(sessionId);
    return summary && { ...summary, status: this.state.get(sessionId)?.status ?? 'ended', byModel: await this.store.sessionModelTotals(sessionId) };
  }

  async messages(sessionId: string, query: ConversationListQuery): Promise<ConversationPage | undefined> {
    if (!(await this.store.session(sessionId))) return undefined;
    const rows = await this.store.messages(sessionId, { after: query.after, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const messages: ConversationMessage[] = [];
    let bytes = 0;
    let read = 0;
    let more = rows.length > query.limit;
    // One positioned read per line, one after another: a page never holds hundreds of files open.
    for (const [i, m] of page.entries()) {
      const line = await readBack(m.location, m.uuid, SHRINK_ABOVE_BYTES);
      const cut = cutContent(line?.message ?? null, CONTENT_LIMITS);
      // A skimmed line is cut too, even when what skimming left fits.
      const truncated = cut.cut || (line !== null && m.location.byteLength > SHRINK_ABOVE_BYTES);
      messages.push({ ...toConversationMessage(m, cut.value), ...(truncated ? { truncated, full_bytes: m.location.byteLength, full_url: fullUrl(sessionId, m.uuid) } : {}) });
      bytes += cut.bytes;
      read += m.location.byteLength;
      if ((bytes >= PAGE_CONTENT_BYTES || read >= PAGE_READ_BYTES) && i < page.length - 1) {
        more = true;
        break;
      }
    }
    const last = page[messages.length - 1];
    return { messages, next_cursor: more && last ? encodeCursor({ m: last.cursor }) : null };
  }

  /** GET …/messages/{uuid}/full: the stored line's bytes from its transcript, streamed; undefined when there is no such message or its file no longer holds it. */
  async fullMessage(sessionId: string, uuid: string): Promise<{ stream: Readable; bytes: number } | undefined> {
    const message = await this.store.message(sessionId, uuid);
    return (message && (await openLine(message.location, uuid))) ?? undefined;
  }

  /** Sessions that are not ended, and their status. */
  private liveStatuses(): Map<string, SessionStatus> {
    const live = new Map<string, SessionStatus>();
    for (const session of this.state.all()) if (session.status !== 'ended') live.set(session.sessionId, session.status);
    return live;
  }
}

/** The status is live state, not stored: it becomes a set of session ids to keep or leave out. */
function statusFilter(live: Map<string, SessionStatus>, status: SessionStatus | undefined): Pick<SessionPageQuery, 'onlyIds' | 'exceptIds'> {
  if (status === undefined) return {};
  if (status === 'ended') return { exceptIds: [...live.keys()] };
  return { onlyIds: [...live].filter(([, s]) => s === status).map(([id]) => id) };
}

function fullUrl(sessionId: string, uuid: string): string {
  return `/api/v1/sessions/${encodeURIComponent(sessionId)}/messages/${encodeURIComponent(uuid)}/full`;
}

function toConversationMessage(m: StoredMessage, content: unknown): ConversationMessage {
  return {
    uuid: m.uuid,
    parent_uuid: m.parentUuid,
    agent_id: m.agentId,
    type: m.lineType,
    author: m.author,
    timestamp: m.timestamp,
    preview: m.preview,
    tool_names: m.toolNames,
    is_sidechain: m.isSidechain,
    is_meta: m.isMeta,
    model: m.model,
    content: typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>) : null,
    truncated: false,
  };
}

// Cursors are opaque to clients (base64url JSON), so that their form can change; each names its
// endpoint, so that one endpoint's cursor is refused by another.

function encodeCursor(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor<T>(cursor: string, shape: z.ZodType<T>): T | undefined {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const SessionCursor = z.strictObject({ t: z.string().nullable(), id: z.string() });
// The store's message cursor: `<timestamp>|<row id>`.
const MessageCursor = z.strictObject({ m: z.string().regex(/^[^|]*\|\d{1,15}$/) });

export function decodeSessionCursor(cursor: string): SessionPosition | undefined {
  const position = decodeCursor(cursor, SessionCursor);
  return position && { lastActivity: position.t, sessionId: position.id };
}

export function decodeMessageCursor(cursor: string): string | undefined {
  return decodeCursor(cursor, MessageCursor)?.m;
}
