import { z } from 'zod';

// Remote ingest: `POST /api/v1/ingest`, what `claudelens ship` sends and what the server answers.
// docs/remote-ingest.md documents it with examples. Every path part is checked here, so a
// request that could name a file outside the server's mirror fails validation with a 400.

/** One path part as Claude Code writes them: letters, digits, `.`, `_`, `-`; never `.` or `..`. */
const PATH_PART = /^(?!\.+$)[A-Za-z0-9._-]{1,255}$/;

export const ClaudeDirIdSchema = z
  .string()
  .max(128)
  .regex(PATH_PART, 'must be letters, digits, ".", "_" or "-" (not only dots)');

/** A folder directly under `<claude-dir>/projects/`: the encoded working directory, such as `-home-me-app`. */
export const ProjectFolderSchema = z.string().regex(PATH_PART, 'must be one folder name: letters, digits, ".", "_" or "-" (not only dots)');

/** A transcript's path inside its project folder: `<session>.jsonl`, `agent-<id>.jsonl` or `<session>/subagents/agent-<id>.jsonl`. */
export const TranscriptNameSchema = z
  .string()
  .max(1024)
  .refine((name) => name.split('/').length <= 8 && name.split('/').every((part) => PATH_PART.test(part)), {
    message: 'must be a relative path of folder names made of letters, digits, ".", "_" or "-" (no "..", no leading "/")',
  })
  .refine((name) => name.endsWith('.jsonl'), { message: 'must name a .jsonl file' });

export const IngestEncodingSchema = z.enum(['utf8', 'base64']);
export type IngestEncoding = z.infer<typeof IngestEncodingSchema>;

const NOT_BASE64 = /[^A-Za-z0-9+/]/;

/**
 * Standard padded base64. No repeated group in a regex: V8 backtracks through one frame per
 * group, and `(?:[…]{4})*` overflowed the stack above ~3.3 MB (a 500 on every retry). A negated
 * class scanned once is linear and needs no stack.
 */
export function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return !NOT_BASE64.test(padding === 0 ? text : text.slice(0, -padding));
}

/** Bytes of one transcript starting at byte `offset`; with `reset`, the server's copy is set aside first. */
export const IngestFileSchema = z
  .object({
    project: ProjectFolderSchema,
    file: TranscriptNameSchema,
    offset: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    /** The bytes: UTF-8 text, or base64 when `encoding` says so (bytes that are not valid UTF-8). */
    data: z.string(),
    encoding: IngestEncodingSchema.default('utf8'),
    /** The file was truncated or replaced at the source: start the server's copy over (then write at `offset`, normally 0). */
    reset: z.boolean().default(false),
  })
  .superRefine((file, context) => {
    if (file.encoding === 'base64' && !isBase64(file.data)) context.addIssue({ code: 'custom', path: ['data'], message: 'is not base64' });
  });
export type IngestFile = z.infer<typeof IngestFileSchema>;

/** The request body of `POST /api/v1/ingest`. */
export const IngestRequestSchema = z.object({
  /** Which machine's claude dir the files come from; the shipper's default is `<hostname>-<hash of hostname and path>`. */
  claude_dir_id: ClaudeDirIdSchema,
  files: z.array(IngestFileSchema).min(1).max(1000),
});
export type IngestRequest = z.input<typeof IngestRequestSchema>;
export type ParsedIngestRequest = z.output<typeof IngestRequestSchema>;

/**
 * What became of one file of the request. `size` is always the byte length of the server's copy
 * afterwards: the offset the next request for that file must start at.
 * - `ok`: the copy holds the bytes (appended, or already there);
 * - `gap`: `offset` was beyond the copy's end; nothing written;
 * - `diverged`: the copy already holds different bytes at `offset`; nothing written (send `reset`).
 */
export const IngestFileResultSchema = z.object({
  project: z.string(),
  file: z.string(),
  status: z.enum(['ok', 'gap', 'diverged']),
  size: z.number().int().nonnegative(),
  /** Bytes appended by this request (0 for a re-send of bytes the server had). */
  written: z.number().int().nonnegative(),
});
export type IngestFileResult = z.infer<typeof IngestFileResultSchema>;

/** 200: every file is `ok`. 409: at least one is not, and `error` says so; the results are in request order either way. */
export const IngestResponseSchema = z.object({
  claude_dir_id: z.string(),
  files: z.array(IngestFileResultSchema),
  error: z.object({ code: z.literal('offset_conflict'), message: z.string() }).optional(),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;
