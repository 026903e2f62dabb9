import type { Command } from 'commander';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Flags every command that reads transcripts or the store shares. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--claude-dir <dir>', 'Claude config folder containing projects/ (repeatable; default $CLAUDE_CONFIG_DIR or ~/.claude)', collect)
    .option('--data-dir <dir>', 'where ClaudeLens keeps its database (default $CLAUDELENS_DATA_DIR or ~/.claudelens)')
    .option('--database-url <url>', 'keep the store in PostgreSQL (postgres://user@host:5432/db) instead of the data dir (default $CLAUDELENS_DATABASE_URL)')
    .option('--prices <file>', 'JSON price table merged over the built-in one (USD per million tokens)');
}
