// A new user's first mistakes with the command line (issue 22, items 13-15): each one says what
// was expected and what to do, exits non-zero, and leaves nothing behind.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionReportSchema } from '@claudelens/protocol';
import { CLI, copyFixtureHome, emptyHome, FIXTURE_HOME, REPO_ROOT, runCli, tempDir, waitFor } from './helpers.js';

const kills: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const kill of kills.splice(0)) await kill();
});

/** The CLI as a user who may not write the data dir: root may write anywhere, so run as nobody then. */
async function runAsOtherUser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const ids = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { ...ids, env: { ...process.env, HOME: '/nonexistent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `serve` on port 0 until `done` sees what it waits for in its stdout; then killed. */
async function serveUntil(args: string[], done: (stdout: string) => boolean, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  kills.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${out.stderr}`);
    return done(out.stdout) ? true : undefined;
  }, 30_000, 'serve to say it is live');
  return out;
}

describe('reports on a data dir without ClaudeLens data', () => {
  it('say so, exit non-zero and create nothing', async () => {
    const parent = tempDir();
    const missing = path.join(parent, 'typo');
    for (const command of [['sessions'], ['health'], ['daily'], ['blocks']]) {
      const result = await runCli(['report', ...command, '--data-dir', missing]);
      expect(result.code, command[0]).toBe(2);
      expect(result.stderr).toBe(`claudelens: no ClaudeLens data in ${missing} (run import or serve first)\n`);
      expect(result.stdout).toBe('');
    }
    expect(fs.readdirSync(parent)).toEqual([]);
    // An existing empty folder stays empty too.
    const empty = tempDir();
    expect((await runCli(['report', 'sessions', '--data-dir', empty])).code).toBe(2);
    expect(fs.readdirSync(empty)).toEqual([]);
  });
});

describe('a read-only data dir', () => {
  it('serves reports, and refuses writers naming the path and the reason', async () => {
    const dataDir = tempDir();
    expect((await runCli(['import', '--claude-dir', FIXTURE_HOME, '--data-dir', dataDir])).code).toBe(0);
    const home = copyFixtureHome(['-Users-chip-dev-ai-music']);
    for (const dir of [dataDir, home, path.join(home, 'projects')]) fs.chmodSync(dir, 0o555);
    fs.chmodSync(path.join(dataDir, 'claudelens.db'), 0o444);
    try {
      const before = fs.readdirSync(dataDir);
      const report = await runAsOtherUser(['report', 'sessions', '--json', '--data-dir', dataDir]);
      expect(report.stderr).toBe('');
      expect(SessionReportSchema.parse(JSON.parse(report.stdout)).sessions).toHaveLength(60);
      const daily = await runAsOtherUser(['report', 'daily', '--json', '--timezone', 'UTC', '--data-dir', dataDir]);
      expect(daily.code).toBe(0);
      expect(fs.readdirSync(dataDir)).toEqual(before);

      const imported = await runAsOtherUser(['import', '--claude-dir', home, '--data-dir', dataDir]);
      expect(imported.code).toBe(2);
      expect(imported.stderr).toMatch(new RegExp(`^claudelens: cannot write to the data dir ${dataDir}.*: permission denied`));
      const served = await runAsOtherUser(['serve', '--port', '0', '--claude-dir', home, '--data-dir', dataDir]);
      expect(served.code).toBe(2);
      expect(served.stderr).toMatch(/cannot write to the data dir .*: permission denied/);
    } finally {
      for (const dir of [dataDir, home, path.join(home, 'projects')]) fs.chmodSync(dir, 0o755);
    }
  }, 60_000);
});

describe('--claude-dir that holds no transcripts', () => {
  it('one level too deep (…/projects): import and serve refuse and suggest the parent', async () => {
    const projects = path.join(copyFixtureHome(['-Users-chip-dev-ai-music']), 'projects');
    const expected = `claudelens: ${projects} looks like the projects/ folder itself: --claude-dir takes the Claude config folder that contains projects/ (try --claude-dir ${path.dirname(projects)})\n`;
    const imported = await runCli(['import', '--claude-dir', projects, '--data-dir', tempDir()]);
    expect([imported.code, imported.stderr]).toEqual([2, expected]);
    const served = await runCli(['serve', '--port', '0', '--claude-dir', projects, '--data-dir', tempDir()]);
    expect([served.code, served.stderr]).toEqual([2, expected]);
  });

  it('empty: import says what it expected and fails; serve starts and logs it', async () => {
    const { home } = emptyHome();
    const dataDir = tempDir();
    const imported = await runCli(['import', '--claude-dir', home, '--data-dir', dataDir]);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain(`no transcripts (*.jsonl) under ${path.join(home, 'projects')} yet`);
    expect(imported.stderr).toContain(`claudelens: nothing to import: no transcripts in ${home}`);

    const bare = tempDir('claudelens-home-'); // no projects/ folder at all
    const out = await serveUntil(['--claude-dir', bare, '--data-dir', dataDir, '--log-format', 'json'], (stdout) => stdout.includes('"msg":"live"'));
    const warning = out.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string }).find((r) => r.level === 40);
    expect(warning?.msg).toBe(`no projects/ folder in ${bare}: expected a Claude config folder such as ~/.claude, where Claude Code writes projects/<project>/<session>.jsonl (pass --claude-dir or set CLAUDE_CONFIG_DIR)`);
  }, 60_000);
});

describe('small things a first run meets', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', 'server', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(await runCli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('refuses a --limit that is not a whole number', async () => {
    const dataDir = tempDir();
    expect((await runCli(['import', '--claude-dir', copyFixtureHome(['-Users-chip-dev-ai-music']), '--data-dir', dataDir])).code).toBe(0);
    for (const bad of ['abc', '-1', '2.5', '']) {
      const result = await runCli(['report', 'health', '--limit', bad, '--data-dir', dataDir]);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toBe(`claudelens: --limit must be a whole number 0 or more, got "${bad}"\n`);
    }
    expect((await runCli(['report', 'health', '--limit', '0', '--data-dir', dataDir])).code).toBe(0);
  });
});

describe('serve says where it is live', () => {
  const home = copyFixtureHome(['-Users-chip-dev-ai-music']);
  const transcripts = fs.readdirSync(path.join(home, 'projects'), { recursive: true }).filter((f) => String(f).endsWith('.jsonl')).length;
  const human = new RegExp(`^ClaudeLens is live at http://127\\.0\\.0\\.1:\\d+ — following ${transcripts} transcripts in ${home}\\n$`);

  it('in one human line with --log-format pretty, and nothing else on stdout', async () => {
    const out = await serveUntil(['--claude-dir', home, '--data-dir', tempDir(), '--log-format', 'pretty'], (stdout) => stdout.endsWith('\n'));
    expect(out.stdout).toMatch(human);
  }, 60_000);

  it('in JSON lines when stdout is not a terminal', async () => {
    const out = await serveUntil(['--claude-dir', home, '--data-dir', tempDir()], (stdout) => stdout.includes('"msg":"live"'));
    for (const line of out.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(out.stdout).not.toContain('ClaudeLens is live');
  }, 60_000);

  it('pretty by itself on a terminal (as npm start is run)', async () => {
    // script(1) gives serve a pseudo-terminal, as a person's shell does.
    const command = [process.execPath, CLI, 'serve', '--port', '0', '--claude-dir', home, '--data-dir', tempDir()].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    kills.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(() => (stdout.includes('\n') ? true : undefined), 30_000, 'the live line');
    expect(stdout.replaceAll('\r\n', '\n')).toMatch(human);
  }, 60_000);
});
