import { randomUUID } from 'node:crypto';

// Shared with lineTemplate.ts, which must cut a line exactly where `rename` replaces.
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
export const PREFIXED_ID = /\b(msg_|req_|toolu_|srvtoolu_)([A-Za-z0-9]+)/g;
export const AGENT_ID = /(agent-|"agentId":")(a?[0-9a-f]{6,17}|acompact-[0-9a-f]{6})/g;
/** A value that is a uuid and nothing else. */
export const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Gives one replayed copy of a session fresh ids, consistently across its lines and file names:
 * uuids (uuid, parentUuid, sessionId, messageId, ...) become new random uuids, and `msg_`,
 * `req_`, `toolu_` and agent ids get the copy's tag appended, so that no copy dedups against
 * another (bench/corpus.mjs does the same with a 16-bit tag; a long replay needs more copies).
 */
export class IdRenamer {
  private readonly uuids = new Map<string, string>();

  /** `pinned`: original uuid → the uuid to use instead (a session id the caller chose). */
  constructor(
    readonly tag: string,
    pinned: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const [from, to] of pinned) this.uuids.set(from, to);
  }

  uuid(original: string): string {
    let fresh = this.uuids.get(original);
    if (!fresh) {
      fresh = randomUUID();
      this.uuids.set(original, fresh);
    }
    return fresh;
  }

  rename(text: string): string {
    return text
      .replace(UUID, (u) => this.uuid(u))
      .replace(PREFIXED_ID, (_, prefix: string, id: string) => `${prefix}${id}x${this.tag}`)
      .replace(AGENT_ID, (_, prefix: string, id: string) => `${prefix}${id}x${this.tag}`);
  }
}
