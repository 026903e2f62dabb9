import { LineTemplate, shiftTimestamps, templatesApply } from './lineTemplate.js';
import { IdRenamer, WHOLE_UUID } from './renameIds.js';
import type { SessionScript } from './sessionScripts.js';

/** A line as it is written now: fresh ids, current time, and the file it goes to. */
export interface ReplayedLine {
  /** Relative to the claude folder's `projects/`. */
  relPath: string;
  text: string;
  type: string;
  uuid: string | null;
  sessionId: string | null;
  /** The copy it belongs to: lines of one copy share their ids. */
  tag: string;
}

export interface ReplayOptions {
  /** Appended to `msg_`, `req_`, `toolu_` and agent ids: unique per copy. */
  tag: string;
  /**
   * Use this session id for every line, instead of fresh ones (the load benchmark keeps one
   * session going across scripts; a resumed session's lines of its earlier session join it too).
   */
  sessionId?: string;
  /** Write into this project folder instead of the script's. */
  project?: string;
}

/**
 * One replayed copy of a recorded session, a line at a time: each line gets the copy's fresh ids
 * and its timestamps moved so that it reads as written at the moment it is taken.
 */
export class SessionReplay {
  readonly sessionId: string;
  /** The project folder it writes into. */
  readonly project: string;
  private readonly ids: IdRenamer;
  private readonly paths: string[];
  private readonly tag: string;
  private readonly templated: boolean;
  private next = 0;

  constructor(
    readonly script: SessionScript,
    options: ReplayOptions,
  ) {
    this.tag = options.tag;
    const pinned = new Map<string, string>();
    if (options.sessionId) {
      pinned.set(script.sessionId, options.sessionId);
      for (const line of script.lines) if (line.sessionId) pinned.set(line.sessionId, options.sessionId);
    }
    this.ids = new IdRenamer(options.tag, pinned);
    this.templated = templatesApply(options.tag, pinned.values());
    this.sessionId = options.sessionId ?? (WHOLE_UUID.test(script.sessionId) ? this.ids.uuid(script.sessionId) : `${script.sessionId}-x${options.tag}`);
    this.project = options.project ?? script.project;
    this.paths = script.files.map((file) => {
      const renamed = this.ids.rename(file);
      // A file named after no id (`debug_image_message.jsonl`) gets the tag, so copies never share it.
      return `${this.project}/${renamed === file ? file.replace(/\.jsonl$/, `-x${options.tag}.jsonl`) : renamed}`;
    });
  }

  get done(): boolean {
    return this.next >= this.script.lines.length;
  }

  /** Recorded milliseconds between the line last taken and the next one (0 before the first). */
  gapMs(): number {
    const next = this.script.lines[this.next];
    const previous = this.script.lines[this.next - 1];
    return next && previous ? next.atMs - previous.atMs : 0;
  }

  /** The next line, as written at `nowMs`. */
  take(nowMs: number): ReplayedLine {
    const line = this.script.lines[this.next++];
    if (!line) throw new Error('replay already done');
    const shift = nowMs - line.atMs;
    const template = this.templated ? LineTemplate.of(line) : null;
    const text = template ? template.render(this.ids, shift) : shiftTimestamps(this.ids.rename(line.text), shift);
    const id = (value: string | null) => (value !== null && WHOLE_UUID.test(value) ? this.ids.uuid(value) : value);
    return { relPath: this.paths[line.file] as string, text, type: line.type, uuid: id(line.uuid), sessionId: id(line.sessionId), tag: this.tag };
  }
}
