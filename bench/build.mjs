// What the benchmarks run: the `claudelens` command as npm installs it, built from the sources as
// they are now.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** It runs the bundle (packages/server/scripts/bundle.mjs) while that is newer than the last compile. */
export const CLI = path.join(ROOT, 'packages/server/bin/claudelens.js');

/** tsc -b is incremental: a no-op when dist is current, and it never benchmarks stale code. */
export function compile() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/protocol', 'packages/server'], { cwd: ROOT, stdio: 'inherit' });
}

/** Compiles and bundles: the command runs what was just built. */
export function ensureBuilt() {
  compile();
  execFileSync(process.execPath, [path.join(ROOT, 'packages/server/scripts/bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
