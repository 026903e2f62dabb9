import { Command } from 'commander';

/**
 * `statusline` as the command parser lists it. bin/claudelens.js runs it without the parser
 * (statuslineCommand.ts parses its own flags); this is the way in for `--help` and for main.js run directly.
 */
export function statuslineCommand(): Command {
  return new Command('statusline')
    .description("Claude Code's status line: one line from its stdin JSON; hands plan limits to the server (docs/limits.md)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', '--server URL, --token T, --token-file FILE, --timeout-ms N, --install [--yes]; --help for details')
    .action(async () => {
      const { runStatusline } = await import('./statuslineCommand.js');
      const at = process.argv.indexOf('statusline');
      await runStatusline(process.argv.slice(at + 1));
    });
}
