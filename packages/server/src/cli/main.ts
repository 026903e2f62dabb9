#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UsageError } from '../config/config.js';
import { demoCommand } from './demoCommand.js';
import { importCommand } from './importCommand.js';
import { pricesCommand } from './pricesCommand.js';
import { reportCommand } from './reportCommand.js';
import { serveCommand } from './serveCommand.js';
import { shipCommand } from './shipCommand.js';

const program = new Command('claudelens')
  .description('Real-time observability for Claude Code')
  .showHelpAfterError('(run claudelens --help for usage)')
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(importCommand());
program.addCommand(reportCommand());
program.addCommand(shipCommand());
program.addCommand(demoCommand());
program.addCommand(pricesCommand());

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
