import fs from 'node:fs';
import { UsageError } from './config.js';

type Env = Record<string, string | undefined>;

export interface TokenFlags {
  token?: string;
  tokenFile?: string;
}

export interface ResolvedToken {
  token: string | null;
  /** Given as `--token`: every user of the machine can read it in `ps` and /proc, so the caller warns once. */
  fromArgv: boolean;
}

export const TOKEN_ARGV_WARNING = 'the token was given with --token, which any user of this machine can read (ps, /proc/<pid>/cmdline): use --token-file FILE or CLAUDELENS_TOKEN';

/** `--token`, `--token-file`, `$CLAUDELENS_TOKEN` or `$CLAUDELENS_TOKEN_FILE`, in that order; an empty variable is unset. */
export function resolveToken(flags: TokenFlags, env: Env = process.env): ResolvedToken {
  if (flags.token !== undefined && flags.tokenFile !== undefined) throw new UsageError('pass --token or --token-file, not both');
  if (flags.token !== undefined) {
    if (flags.token.trim() === '') throw new UsageError('--token must not be empty');
    return { token: flags.token, fromArgv: true };
  }
  if (flags.tokenFile !== undefined) return { token: readTokenFile(flags.tokenFile, '--token-file'), fromArgv: false };
  if (env.CLAUDELENS_TOKEN) return { token: env.CLAUDELENS_TOKEN, fromArgv: false };
  if (env.CLAUDELENS_TOKEN_FILE) return { token: readTokenFile(env.CLAUDELENS_TOKEN_FILE, 'CLAUDELENS_TOKEN_FILE'), fromArgv: false };
  return { token: null, fromArgv: false };
}

/** The file's text without surrounding white space (editors and `echo` add a final newline). */
function readTokenFile(file: string, flag: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token)) throw new UsageError(`${flag}: ${file} must hold the token alone on one line`);
  return token;
}
