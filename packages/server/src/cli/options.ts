import { Option, type Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../config/config.js';
import { parsePort } from '../config/optionValues.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Flags every command that reads transcripts or the store shares, each with the environment
 * variable that stands for it when the flag is absent (commander's `.env()`).
 */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--claude-dir <dir>', 'Claude config folder containing projects/ (repeatable; default $CLAUDE_CONFIG_DIR or ~/.claude)', collect)
    .addOption(new Option('--data-dir <dir>', 'where ClaudeLens keeps its database (default ~/.claudelens)').env('CLAUDELENS_DATA_DIR'))
    .addOption(databaseUrlOption())
    .addOption(pricesOption());
}

export function databaseUrlOption(): Option {
  return new Option('--database-url <url>', 'keep the store in PostgreSQL (postgres://user@host:5432/db) instead of the data dir').env('CLAUDELENS_DATABASE_URL');
}

export function pricesOption(): Option {
  return new Option('--prices <file>', 'JSON price table merged over the built-in one (USD per million tokens)').env('CLAUDELENS_PRICES');
}

/** `--host` and `--port` of the commands that serve (serve, demo). */
export function withListenOptions(command: Command): Command {
  return command
    .addOption(new Option('--host <host>', 'address to bind').env('CLAUDELENS_HOST').default(DEFAULT_HOST))
    .addOption(new Option('--port <port>', 'port to listen on').env('CLAUDELENS_PORT').argParser(parsePort).default(DEFAULT_PORT));
}
