#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { unsetEmptyVariables, UsageError } from '../config/config.js';

// Each command's module loads only when it runs (or when help lists them all): a report answers
// in a fraction of a second, and the other commands' modules (prices, the API, the protocol's
// schemas) would be most of it.
const COMMANDS: [string, () => Promise<Command>][] = [
  ['serve', async () => (await import('./serveCommand.js')).serveCommand()],
  ['import', async () => (await import('./importCommand.js')).importCommand()],
  ['report', async () => (await import('./reportCommand.js')).reportCommand()],
  ['ship', async () => (await import('./shipCommand.js')).shipCommand()],
  ['demo', async () => (await import('./demoCommand.js')).demoCommand()],
  ['statusline', async () => (await import('./statuslineStub.js')).statuslineCommand()],
  ['prices', async () => (await import('./pricesCommand.js')).pricesCommand()],
];

// src/cli and dist/cli both sit two folders below the package's package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('claudelens')
  .description('Real-time observability for Claude Code')
  .version(version, '-v, --version', 'print the ClaudeLens version')
  .showHelpAfterError('(run claudelens --help for usage)')
  .exitOverride();

const named = COMMANDS.filter(([name]) => name === process.argv[2]);
for (const [, command] of named.length > 0 ? named : COMMANDS) program.addCommand(await command());

unsetEmptyVariables(process.env);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof UsageError) {
    process.stderr.write(`claudelens: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`claudelens: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
