import type { Logger } from 'pino';
import { UsageError } from '../config/config.js';

export type LogFormat = 'pretty' | 'json';

/** `--log-format`: pretty on a terminal, JSON otherwise (a service manager, a pipe, a log shipper). */
export function logFormatOf(flag: string | undefined, stdoutIsTTY: boolean): LogFormat {
  const value = flag ?? 'auto'; // CLAUDELENS_LOG_FORMAT arrives as the flag (commander's .env())
  if (value === 'auto') return stdoutIsTTY ? 'pretty' : 'json';
  if (value === 'pretty' || value === 'json') return value;
  throw new UsageError(`--log-format must be auto, pretty or json, got "${value}"`);
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/**
 * pino as serve logs: JSON lines on stdout, or for a person at a terminal only warnings and errors
 * (unless CLAUDELENS_LOG_LEVEL asks for more), each as one readable line on stderr.
 */
export async function serveLogger(format: LogFormat): Promise<Logger> {
  const { pino } = await import('pino');
  const level = process.env.CLAUDELENS_LOG_LEVEL;
  if (format === 'json') return pino({ name: 'claudelens', level: level ?? 'info' });
  const readable = {
    write(line: string) {
      const record = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      const detail = record.err?.message ? `: ${record.err.message}` : '';
      process.stderr.write(`claudelens: ${LEVEL_NAMES[record.level] ?? 'log'}: ${record.msg ?? ''}${detail}\n`);
    },
  };
  return pino({ name: 'claudelens', level: level ?? 'warn' }, readable);
}

/** The one line a person sees when serve is up. */
export function liveLine(url: string, transcripts: number, claudeDirs: string[]): string {
  const noun = transcripts === 1 ? 'transcript' : 'transcripts';
  return `ClaudeLens is live at ${url} — following ${transcripts} ${noun} in ${claudeDirs.join(', ')}\n`;
}
