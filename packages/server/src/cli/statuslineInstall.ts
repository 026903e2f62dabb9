import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';

export interface InstallOptions {
  yes: boolean;
  server?: string;
  tokenFile?: string;
}

/** bin/claudelens.js of this install: the entry runs it with node directly (npx would add a few hundred ms to every line). */
const BIN = fileURLToPath(new URL('../../bin/claudelens.js', import.meta.url));

/**
 * Shows the `statusLine` entry for Claude Code's settings.json (in $CLAUDE_CONFIG_DIR's first
 * folder, else ~/.claude) and, confirmed or with --yes, writes it there: every other key kept,
 * the file as it was copied to settings.json.bak first. A token is never written into the
 * settings (they are often shared): pass --token-file, or set CLAUDELENS_TOKEN for Claude Code.
 */
export async function installStatusline(options: InstallOptions): Promise<void> {
  const dir = process.env.CLAUDE_CONFIG_DIR?.split(',')[0]?.trim() || path.join(os.homedir(), '.claude');
  const file = path.join(dir, 'settings.json');
  let settings: Record<string, unknown> = {};
  let existing: string | null = null;
  try {
    existing = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (existing !== null && existing.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch (error) {
      // Stop, rather than replace the user's file.
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); not touching it`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} is not a JSON object; not touching it`);
    settings = parsed as Record<string, unknown>;
  }
  const args = [process.execPath, BIN, 'statusline'];
  if (options.server) args.push('--server', options.server);
  if (options.tokenFile) args.push('--token-file', path.resolve(options.tokenFile));
  const entry = { type: 'command', command: args.map(shellQuote).join(' '), padding: 0 };
  const out = process.stdout;
  out.write(`${file}\n`);
  if (settings.statusLine !== undefined) out.write(`now:     "statusLine": ${JSON.stringify(settings.statusLine)}\n`);
  out.write(`${settings.statusLine === undefined ? 'add' : 'replace with'}: "statusLine": ${JSON.stringify(entry, null, 2)}\n`);
  if (JSON.stringify(settings.statusLine) === JSON.stringify(entry)) {
    out.write('already installed\n');
    return;
  }
  if (!options.yes && !(await confirm('Write it? [y/N] '))) {
    out.write('not written (run with --yes to write without asking)\n');
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  if (existing !== null) fs.writeFileSync(`${file}.bak`, existing);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ ...settings, statusLine: entry }, null, 2)}\n`);
  fs.renameSync(tmp, file);
  out.write(`written${existing !== null ? ` (the previous file is ${file}.bak)` : ''}; Claude Code shows it from its next message\n`);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
