#!/usr/bin/env node
// The `claudelens` command. It lives outside dist/ so that npm links it at install time: on a
// fresh clone dist/ is built afterwards (the root's `prepare`), and npm links no bin whose file
// is missing, so `npx claudelens` answered "not found" until the next `npm install`.
// `statusline` skips the command parser and every other command's modules: Claude Code runs it
// after each message and waits for it (docs/limits.md).
import fs from 'node:fs';

if (process.argv[2] === 'statusline') {
  const { runStatusline } = await import('../dist/cli/statuslineCommand.js');
  await runStatusline(process.argv.slice(3));
} else {
  await import(freshBundle() ? '../dist/bundle/main.js' : '../dist/cli/main.js');
}

/**
 * Whether dist/bundle (scripts/bundle.mjs, part of `npm run build`) was made after the last
 * compile of either package: a `tsc -b` since, without a new bundle, would otherwise leave an
 * older program running. The bundle starts `serve` about 0.1 s sooner; the compiled modules are
 * the same program.
 */
function freshBundle() {
  let bundled;
  try {
    bundled = fs.statSync(new URL('../dist/bundle/main.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
  for (const compiled of ['../dist/.tsbuildinfo', '../../protocol/dist/.tsbuildinfo']) {
    try {
      if (fs.statSync(new URL(compiled, import.meta.url)).mtimeMs > bundled) return false;
    } catch {
      // not compiled here (no build info): nothing newer than the bundle
    }
  }
  return true;
}
