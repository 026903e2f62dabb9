#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { unsetEmptyVariables, UsageError } from '../config/config.js';
import { demoCommand } from './demoCommand.js';
import { importCommand } from './importCommand.js';
import { pricesCommand } from './pricesCommand.js';
import { reportCommand } from './reportCommand.js';
import { serveCommand } from './serveCommand.js';
import { shipCommand } from './shipCommand.js';
import { statuslineCommand } from './statuslineStub.js';

// src/cli and dist/cli both sit two folders below the package's package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('claudelens')
  .description('Real-time observability for Claude Code')
  .version(version, '-v, --version', 'print the ClaudeLens version')
  .showHelpAfterError('(run claudelens --help for usage)')
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(importCommand());
program.addCommand(reportCommand());
program.addCommand(shipCommand());
program.addCommand(demoCommand());
program.addCommand(statuslineCommand());
program.addCommand(pricesCommand());

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
