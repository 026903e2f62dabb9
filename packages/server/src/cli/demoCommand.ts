import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { resolveConfig, UsageError } from '../config/config.js';
import { parseInteger, parsePositive, parseSeconds } from '../config/optionValues.js';
import { databaseUrlOption, pricesOption, withListenOptions } from './options.js';

interface DemoOptions {
  speed: number;
  sessions: number;
  host: string;
  port: number;
  dataDir?: string;
  seed?: number;
  maxGap: number;
  transcripts?: string;
  token?: string;
  databaseUrl?: string;
  prices?: string;
}

/** Seconds of real time a session may stay quiet between two lines, however long it was recorded. */
const DEFAULT_MAX_GAP_S = 5;
/** Scripts with fewer user and assistant lines than this would barely show on a dashboard. */
const MIN_MESSAGES = 3;

export function demoCommand(): Command {
  return withListenOptions(new Command('demo'))
    .description('replay the bundled real transcripts as live sessions into a temporary claude folder and serve it')
    .option('--speed <factor>', 'recorded gaps are divided by this', (v: string) => parsePositive(v, '--speed'), 10)
    .option('--sessions <n>', 'sessions live at once; a finished one is followed by another', wholeNumber('--sessions', 1), 8)
    .option('--data-dir <dir>', 'where the database goes (default: a temporary folder, removed on exit)')
    .option('--seed <n>', 'the same seed replays the same sessions in the same order', wholeNumber('--seed', 0))
    .option('--max-gap <seconds>', 'longest real-time pause between two lines of a session', (v: string) => parseSeconds(v, '--max-gap'), DEFAULT_MAX_GAP_S)
    .option('--transcripts <dir>', 'a projects/ folder to replay instead of the bundled one')
    .addOption(new Option('--token <token>', 'require this token on every request (needed to bind a non-loopback address)').env('CLAUDELENS_TOKEN'))
    .addOption(databaseUrlOption())
    .addOption(pricesOption())
    .action(async (options: DemoOptions) => {
      const [{ pino }, { startServer }, { demoLiveConfig }, { startReplay }, { bundledProjectsDir, loadSessionScripts }] = await Promise.all([
        import('pino'),
        import('./startServer.js'),
        import('./demoLiveConfig.js'),
        import('../demo/replay.js'),
        import('../demo/sessionScripts.js'),
      ]);
      const source = path.resolve(options.transcripts ?? bundledProjectsDir());
      const scripts = loadSessionScripts(source).filter((s) => s.messages >= MIN_MESSAGES);
      if (scripts.length === 0) throw new UsageError(`no sessions with at least ${MIN_MESSAGES} messages under ${source}`);
      const seed = options.seed ?? randomInt(2 ** 31);

      const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'claudelens-demo-'));
      const claudeDir = path.join(temp, 'claude');
      fs.mkdirSync(path.join(claudeDir, 'projects'), { recursive: true });
      const dataDir = options.dataDir ?? path.join(temp, 'data');
      // Also on a crash: the replayed transcripts are throwaway copies.
      const cleanup = () => fs.rmSync(temp, { recursive: true, force: true });
      process.once('exit', cleanup);

      const config = resolveConfig({ claudeDir: [claudeDir], dataDir, databaseUrl: options.databaseUrl, prices: options.prices });
      const live = demoLiveConfig(options.speed);
      const logger = pino({ name: 'claudelens', level: process.env.CLAUDELENS_LOG_LEVEL ?? 'warn' });
      const token = options.token ?? null;
      const server = await startServer(config, { host: options.host, port: options.port, live, token }, logger);
      const replay = startReplay({
        projectsDir: path.join(claudeDir, 'projects'),
        scripts,
        sessions: options.sessions,
        speed: options.speed,
        maxGapMs: options.maxGap * 1000,
        seed,
        tagPrefix: randomBytes(3).toString('hex'),
      });

      const ws = server.url.replace(/^http/, 'ws');
      process.stdout.write(
        `ClaudeLens demo: ${options.sessions} sessions at once, ${options.speed}x, from ${scripts.length} recorded sessions (--seed ${seed})\n` +
          `  dashboard   ${server.url}/\n` +
          `  live API    ${server.url}/api/v1/analytics/live-activity\n` +
          `  WebSockets  ${ws}/ws/activity-stream  ${ws}/ws/metrics-updates\n` +
          `  transcripts ${claudeDir} (removed on exit)\n` +
          `  data        ${dataDir}${options.dataDir ? '' : ' (removed on exit)'}\n` +
          'Press Ctrl-C to stop.\n',
      );

      const shutdown = async () => {
        replay.stop();
        await server.close();
        process.stdout.write(`\nreplayed ${replay.lines} lines in ${replay.sessionsStarted} sessions\n`);
        cleanup();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

function wholeNumber(flag: string, min: number) {
  return (value: string): number => parseInteger(value, flag, { min });
}
