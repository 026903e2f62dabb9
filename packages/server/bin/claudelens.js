#!/usr/bin/env node
// The `claudelens` command. It lives outside dist/ so that npm links it at install time: on a
// fresh clone dist/ is built afterwards (the root's `prepare`), and npm links no bin whose file
// is missing, so `npx claudelens` answered "not found" until the next `npm install`.
// `statusline` skips the command parser and every other command's modules: Claude Code runs it
// after each message and waits for it (docs/limits.md).
if (process.argv[2] === 'statusline') {
  const { runStatusline } = await import('../dist/cli/statuslineCommand.js');
  await runStatusline(process.argv.slice(3));
} else {
  await import('../dist/cli/main.js');
}
