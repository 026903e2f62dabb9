import type { RequestRecord, Totals } from '../core/accounting.js';
import type { PositionedProblem, TranscriptEntry } from '../core/entry.js';
import type { SessionFacts } from '../core/live/liveInput.js';
import type { UsageAmounts } from '../core/usagePeriods.js';
import type { UsageRecord } from '../core/usageSummary.js';
import type { ClusterStore } from './cluster.js';
import type { HistoryReads, LiveReads, ReportReads } from './readModel.js';

/** A transcript file, and how far it has been read. */
export interface SourceState {
  id: number;
  claudeDir: string;
  /** Path relative to the claude dir's `projects/` folder. */
  relPath: string;
  offset: number;
  lineCount: number;
  ino: number;
  size: number;
  /** The last bytes read (up to TAIL_BYTES): a file rewritten in place no longer has them there. */
  tail: Buffer;
}

// Enough to hold the line's uuid and timestamp, which Claude Code writes last.
export const TAIL_BYTES = 128;

/** Every empty tail (a file not read yet): one shared buffer, not an object pair per file. */
export const NO_TAIL = Buffer.alloc(0);

/** A tail already in memory of its own (a driver's row), with the shared one when it is empty. */
export function sharedIfEmpty(tail: Buffer): Buffer {
  return tail.length === 0 ? NO_TAIL : tail;
}

/**
 * A copy of a source's tail in memory of its own. `Buffer.from(bytes)` of a few bytes takes them
 * from Node's shared 8 KB pool, and a tail kept for every known file held a whole pool block alive
 * for each one or two of them, so memory grew with the files seen (docs/ingest.md, "Reading under load").
 */
export function ownTail(bytes: Uint8Array): Buffer {
  if (bytes.length === 0) return NO_TAIL;
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

/** Why a store refuses batches whose `expectOffset` is not the stored offset. */
export const OFFSET_MOVED =
  "a source's stored offset is not where its reader remembered it: the reader's last commit was lost (PostgreSQL restarted) or another writer moved it; the file is read again from the stored offset";

/**
 * A stored cost as read. A request that moves to another session (core/accounting.ts,
 * claimRequest) is subtracted from the first: in floating point `a + b - b` can land a hair
 * below zero, which no reader should see.
 */
export const storedCost = (cost: number): number => (cost < 0 && cost > -1e-9 ? 0 : cost);

export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}


/** What one read of a source produced; applied atomically with the new offset. */
export interface IngestBatch {
  sourceId: number;
  /** The file was truncated or replaced: forget its offset and line tallies before applying. */
  rewind: boolean;
  entries: TranscriptEntry[];
  problems: PositionedProblem[];
  nextOffset: number;
  nextLineCount: number;
  /** The bytes just before `nextOffset`, up to TAIL_BYTES of them. */
  nextTail: Buffer;
  identity: FileIdentity;
  /**
   * Set by a reader that took the source's offset from its own memory of what it committed, not
   * from the store (groupCommits' `remember`), on the read's first batch: where the batch starts.
   * The store refuses the whole call, storing nothing, when the source's stored offset differs:
   * the commit the reader remembers was lost (PostgreSQL commits ingest without waiting for the
   * WAL, so a crash of PostgreSQL loses its last ones, docs/postgres.md), or another writer moved it.
   */
  expectOffset?: number;
}

export interface RequestChange {
  record: RequestRecord;
  delta: Totals;
}

/** One second of activity (`at`: the ISO time to the second, `YYYY-MM-DDTHH:MM:SS`). */
export interface ActivitySecond {
  at: string;
  messages: number;
  cost: number;
  tokens: number;
}

/** What the requests of a window add up to. */
export interface UsageTotals {
  cost: number;
  tokens: number;
  requests: number;
  /** Sessions with a request in the window. */
  sessions: number;
}

/** A session's stored totals: what live state needs, and its request count. */
export interface SessionTotals extends SessionFacts {
  requests: number;
}

/**
 * The domain changes a commit made: what the live engine fans out. Lines already stored
 * (duplicates) are absent; `sessions` holds the new totals of every session it touched.
 */
export interface AppliedBatch {
  newEntries: TranscriptEntry[];
  requestChanges: RequestChange[];
  problems: number;
  sessions: SessionTotals[];
  /** Its number in this node's outbox, when the store kept one for it (see OutboxStore.keepOutbox). */
  commit?: number;
}

export interface SessionFilter {
  project?: string;
  since?: string;
}

/** A project: the totals of the sessions whose project path it is. */
export interface ProjectTotals {
  path: string;
  sessions: number;
  messages: number;
  tokens: number;
  cost: number;
  firstActivity: string | null;
  lastActivity: string | null;
}

/** A place in the most-recent-first order of sessions: a page starts after it. */
export interface SessionPosition {
  lastActivity: string | null;
  sessionId: string;
}

export interface SessionPageQuery {
  /** Exact project path. */
  project?: string;
  /** Last activity at or after this ISO time. */
  since?: string;
  /** Last activity before this ISO time. */
  until?: string;
  /** Only these sessions. */
  onlyIds?: string[];
  /** None of these sessions. */
  exceptIds?: string[];
  after?: SessionPosition;
  limit: number;
}

/** Where a line's full content is: read back from its file, not stored twice. */
export interface LineLocation {
  claudeDir: string;
  relPath: string;
  byteOffset: number;
  byteLength: number;
}

export interface StoredMessage {
  /** Position in the session: timestamp order, then storage order. Opaque to clients. */
  cursor: string;
  uuid: string;
  parentUuid: string | null;
  agentId: string;
  lineType: string;
  author: string | null;
  timestamp: string | null;
  preview: string;
  toolNames: string[];
  isSidechain: boolean;
  isMeta: boolean;
  model: string | null;
  location: LineLocation;
}

/** Which stored requests a usage report reads (docs/usage.md). */
export interface UsageQuery {
  /** Requests at or after this ISO time. */
  from?: string;
  /** Requests before this ISO time. */
  to?: string;
  /** Project path, exact or contained (as the session report filters). */
  project?: string;
  /** Exact model name. */
  model?: string;
}

/** One stored request as usage reports group it: its time, where it belongs, what it cost (core's UsageRecord). */
export type UsageRequest = UsageRecord;

/** Requests of one model within one UTC minute, summed (tokens exact; cost summed by the database). */
export interface UsageBucket extends UsageAmounts {
  /** The first request's ISO time. */
  timestamp: string;
  /** The last request's ISO time (the same minute). */
  lastTimestamp: string;
  /** How many requests. */
  entries: number;
}

export interface StoreCounts {
  files: number;
  lines: number;
  sessions: number;
  requests: number;
  problems: number;
}

/** One window of the plan as a status line reported it. */
export interface LimitReport {
  usedPercentage: number;
  resetsAtMs: number;
}

/** A status line's report (POST /api/v1/usage/limits; docs/limits.md): kept as history. */
export interface LimitObservation {
  observedAtMs: number;
  sessionId: string | null;
  sessionCost: number | null;
  fiveHour: LimitReport | null;
  sevenDay: LimitReport | null;
}

/** What one project's requests cost since a time (`project` null: sessions with no known project). */
export interface ProjectSpend {
  project: string | null;
  cost: number;
}

/** Plan limits and budgets: the limits service and the budget monitor call these. */
export interface LimitsStore {
  recordLimitObservation(observation: LimitObservation): Promise<void>;
  /** Observations at or after `sinceMs`, oldest first. */
  limitObservations(sinceMs: number): Promise<LimitObservation[]>;
  /** The cost of requests at or after `sinceIso` (transcript time), per project. */
  spendByProject(sinceIso: string): Promise<ProjectSpend[]>;
}

/** What the store last saw of a file: where reading stopped, and the file's identity then. */
export interface StoredFile {
  claudeDir: string;
  relPath: string;
  offset: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** What ingest writes with: the watchers, the start-up read, its workers and the shipped files' queue. */
export interface IngestStore {
  /** Every file the store holds under these claude dirs, in one query: a restart stats each and reads only the changed ones. */
  storedFiles(claudeDirs: string[]): Promise<StoredFile[]>;
  /** The stored state of these files, registering the ones not seen before (one transaction). */
  sources(refs: { claudeDir: string; relPath: string }[]): Promise<SourceState[]>;
  /** Applies batches in order, atomically with their offsets; one transaction for all of them. */
  applyBatches(batches: IngestBatch[]): Promise<AppliedBatch>;
  /** A problem with a whole file (unreadable, vanished), not one of its lines. */
  recordFileProblem(claudeDir: string, relPath: string, kind: string, detail: string): Promise<void>;
  /**
   * A store shared by nodes (PostgreSQL): a reader that remembers offsets asks it whether
   * connections broke. Undefined on the embedded store: a file, not a connection, loses nothing it
   * acknowledged behind a reader's back.
   */
  readonly cluster?: Pick<ClusterStore, 'connectionLosses'>;
}

/**
 * The store a node opens (openStore.ts): every part one node uses, each consumer taking the
 * narrowest of them, and `cluster` only on a store shared by nodes (PostgreSQL; undefined on the
 * embedded SQLite store, which has one node: it owns every claude dir and keeps no outbox).
 */
export interface Store extends IngestStore, LiveReads, HistoryReads, ReportReads, LimitsStore {
  readonly cluster?: ClusterStore;
  close(): Promise<void>;
}
