import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SessionReportSchema } from '@claudelens/protocol';
import { CLI, FIXTURE_HOME, REPO_ROOT, runCli, tempDir } from './helpers.js';

describe('claudelens CLI', () => {
  it('is the command npm installs, as `npx claudelens` runs it (the README)', async () => {
    // What npm links in node_modules/.bin, run through its own #! line as a shell runs it.
    const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'claudelens');
    expect(fs.realpathSync(bin)).toBe(path.join(REPO_ROOT, 'packages', 'server', 'bin', 'claudelens.js'));
    const dataDir = tempDir();
    const { stdout } = await promisify(execFile)(bin, ['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir]);
    expect(stdout).toMatch(/imported \d+ files/);
  });

  it('rejects an unknown flag with one line and a non-zero exit', async () => {
    const result = await runCli(['import', '--frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which claude dir is missing, without a stack trace', async () => {
    const result = await runCli(['import', '--claude-dir', '/nonexistent/claude', '--data-dir', tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('claudelens: claude dir not found: /nonexistent/claude (pass --claude-dir or set CLAUDE_CONFIG_DIR)');
  });

  it('rejects a bad --since and a bad --port', async () => {
    const since = await runCli(['report', 'sessions', '--since', 'someday', '--data-dir', tempDir()]);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since must be a date/);
    const port = await runCli(['serve', '--port', 'http', '--claude-dir', FIXTURE_HOME, '--data-dir', tempDir()]);
    expect(port.code).not.toBe(0);
    expect(port.stderr).toMatch(/--port must be a whole number/);
  });

  it('reads CLAUDE_CONFIG_DIR, comma-separated, and CLAUDELENS_DATA_DIR', async () => {
    const dataDir = tempDir();
    const a = tempDir('claudelens-home-');
    const b = tempDir('claudelens-home-');
    for (const [home, project] of [[a, '-Users-chip-dev-ai-music'], [b, '-path-to-Demo']] as const) {
      fs.cpSync(path.join(FIXTURE_HOME, 'projects', project), path.join(home, 'projects', project), { recursive: true });
    }
    const result = await runCli(['import'], { CLAUDE_CONFIG_DIR: `${a},${b}`, CLAUDELENS_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    const report = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json'], { CLAUDELENS_DATA_DIR: dataDir })).stdout));
    expect(new Set(report.sessions.map((s) => s.projectPath))).toEqual(new Set(['/Users/chip/dev/ai-music', '/path/to/Demo']));
  });

  it('filters the report by project and date, and prints a table', async () => {
    const dataDir = tempDir();
    await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir]);
    const all = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--data-dir', dataDir])).stdout)).sessions;
    const music = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--data-dir', dataDir, '--project', 'ai-music'])).stdout)).sessions;
    expect(music.length).toBe(3);
    expect(music.every((s) => s.projectPath === '/Users/chip/dev/ai-music')).toBe(true);
    const since = SessionReportSchema.parse(JSON.parse((await runCli(['report', 'sessions', '--json', '--data-dir', dataDir, '--since', '2026-01-01'])).stdout)).sessions;
    expect(since.length).toBeGreaterThan(0);
    expect(since.length).toBeLessThan(all.length);
    expect(since.every((s) => (s.lastActivity ?? '') >= '2026-01-01')).toBe(true);
    const table = await runCli(['report', 'sessions', '--data-dir', dataDir]);
    expect(table.stdout.split('\n')[0]).toMatch(/^session\s+project\s+last activity/);
    expect(table.stdout).toMatch(/60 sessions, \$39\.11/);
  });

  it('ends quietly when the reader of its report goes away (`claudelens report … | head`)', async () => {
    const dataDir = tempDir();
    await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir]);
    const child = spawn(process.execPath, [CLI, 'report', 'sessions', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the report is written: its first write meets EPIPE
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
