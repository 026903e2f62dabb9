import { Command, Option } from 'commander';
import { assertWritableDataDir, resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import { parseBytes, parseCount, parseRedisUrl, parseSeconds } from '../config/optionValues.js';
import { hostName } from '../api/auth.js';
import { resolveToken, TOKEN_ARGV_WARNING } from '../config/token.js';
import { withCommonOptions, withListenOptions } from './options.js';
import { StartupFailed } from './startupFailed.js';

interface ServeOptions extends CommonOptions {
  host: string;
  port: number;
  poll?: boolean;
  config?: string;
  token?: string;
  tokenFile?: string;
  allowOrigin?: string[];
  allowedHost?: string[];
  maxConnections?: number;
  requestTimeout?: number;
  ingestBodyLimit?: number;
  redisUrl?: string;
  nodeId?: string;
  leaseTtl?: number;
  logFormat?: string;
  maxDbSize?: number;
  maxLiveSessions?: number;
}

/** After a fatal failure, /healthz answers 503 this long before the process exits: a prober polling it learns why. */
const FATAL_EXIT_AFTER_MS = 3000;

export function serveCommand(): Command {
  return withListenOptions(withCommonOptions(new Command('serve')))
    .description('backfill, then follow transcripts live and serve the API')
    .option('--poll', 'poll files instead of using file-system events (network file systems)')
    .addOption(new Option('--config <file>', 'JSON config: status thresholds, alert rules, webhooks (see docs/api.md)').env('CLAUDELENS_CONFIG'))
    // The token is not an .env() option: a flag and a variable of the other kind must not clash, and --token warns (config/token.ts).
    .option('--token <token>', 'require this token on every request (needed to bind a non-loopback address); env CLAUDELENS_TOKEN')
    .option('--token-file <file>', 'read the token from this file (not visible in ps, unlike --token); env CLAUDELENS_TOKEN_FILE')
    .option('--allow-origin <origin>', 'another origin that may open WebSockets (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .addOption(
      new Option('--allowed-host <name>', 'another Host name requests may use besides the loopback ones (repeatable, or comma-separated; see docs/security.md)')
        .env('CLAUDELENS_ALLOWED_HOSTS')
        .argParser((v: string, all: string[] = []) => [...all, ...v.split(',').filter((h) => h.trim() !== '').map(parseHost)]),
    )
    .option('--max-connections <n>', 'connections at once, WebSockets included; requests past it get 503 (default 1024)', (v: string) => parseCount(v, '--max-connections'))
    .option('--request-timeout <seconds>', 'longest a client may take to send one request, body included (default 60)', (v: string) => parseSeconds(v, '--request-timeout'))
    .addOption(new Option('--ingest-body-limit <size>', 'largest POST /api/v1/ingest body (default 8MiB)').env('CLAUDELENS_INGEST_BODY_LIMIT').argParser((v: string) => parseBytes(v, '--ingest-body-limit')))
    .addOption(new Option('--redis-url <url>', 'share live events with other nodes through this Redis (redis://host:6379)').env('CLAUDELENS_REDIS_URL'))
    .addOption(new Option('--node-id <id>', "this node's name among several (default host:pid)").env('CLAUDELENS_NODE_ID'))
    .option('--lease-ttl <seconds>', 'on a shared database, take over a claude dir whose node stopped renewing for this long (default 15)', (v: string) => parseSeconds(v, '--lease-ttl'))
    .addOption(new Option('--log-format <format>', 'auto (pretty on a terminal, else JSON), pretty or json').env('CLAUDELENS_LOG_FORMAT'))
    .addOption(
      new Option('--max-db-size <size>', 'SQLite: let the database grow to this size at most (512MiB, 4GiB); past it ingest waits as on a full disk')
        .env('CLAUDELENS_MAX_DB_SIZE')
        .argParser((v: string) => parseBytes(v, '--max-db-size')),
    )
    .addOption(
      new Option('--max-live-sessions <n>', 'most sessions kept live; past it the least recently active leave the live set (default 10000)')
        .env('CLAUDELENS_MAX_LIVE_SESSIONS')
        .argParser((v: string) => parseCount(v, '--max-live-sessions')),
    )
    .action(async (options: ServeOptions) => {
      const maxDbBytes = options.maxDbSize ?? null;
      const config = { ...resolveConfig(options), maxDbBytes };
      if (maxDbBytes && config.databaseUrl) throw new UsageError('--max-db-size applies to the SQLite store only (PostgreSQL has its own quotas)');
      if (!config.databaseUrl) assertWritableDataDir(config.dataDir);
      // Loaded here, not at the top: every command would otherwise pay for the server's modules.
      const [{ loadLiveConfig, recentWindowMs }, { checkClaudeDirs }, { liveLine, logFormatOf, serveLogger }, { startEarly }] = await Promise.all([
        import('../config/liveConfig.js'),
        import('./claudeDirs.js'),
        import('./serveLog.js'),
        import('./serve/earlyStart.js'),
      ]);
      const format = logFormatOf(options.logFormat, process.stdout.isTTY === true);
      const live = loadLiveConfig(options.config ?? null);
      const logger = await serveLogger(format);
      // A dir with no transcripts yet still starts (Claude Code may write there soon), said plainly.
      // Only whether there are any: the start-up read walks the whole tree and counts them (a
      // second walk here took 0.1-0.15 s of a warm restart at 4,680 files).
      const found = checkClaudeDirs(config.claudeDirs);
      for (const warning of found.warnings) logger.warn({ claudeDirs: config.claudeDirs }, warning);
      // Watching and planning the start-up read while the server's modules load (serve/earlyStart.ts).
      const early = startEarly(config, { poll: options.poll, recentSinceMs: Date.now() - recentWindowMs(live), onError: (error, what) => logger.warn({ err: error }, what) });
      const { startServer } = await import('./startServer.js');
      const { token, fromArgv } = resolveToken(options);
      if (fromArgv) logger.warn(TOKEN_ARGV_WARNING);
      const redisUrl = parseRedisUrl(options.redisUrl);
      // A fatal failure (a corrupt database, or a start-up that failed after listening): one line,
      // /healthz answers 503 for a moment, then the process exits for its supervisor to restart it.
      let failed = false;
      const onFatal = (reason: string) => {
        failed = true;
        logger.fatal({ reason }, `fatal: ${reason}; /healthz answers 503 and the process exits with code 1 in ${FATAL_EXIT_AFTER_MS / 1000} s`);
        setTimeout(() => process.exit(1), FATAL_EXIT_AFTER_MS);
      };
      const server = await startServer(
        config,
        {
          host: options.host,
          port: options.port,
          poll: options.poll,
          live,
          token,
          allowedOrigins: options.allowOrigin,
          allowedHosts: options.allowedHost,
          connectionLimits: {
            ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
            ...(options.requestTimeout ? { requestTimeoutMs: options.requestTimeout * 1000 } : {}),
          },
          ingestBodyLimit: options.ingestBodyLimit,
          redisUrl,
          nodeId: options.nodeId,
          leaseTtlSeconds: options.leaseTtl,
          onFatal,
          maxLiveSessions: options.maxLiveSessions,
          early,
        },
        logger,
      )
        .catch((error: unknown) => {
          if (error instanceof StartupFailed) return null; // reported by onFatal, which ends the process
          throw error;
        })
        .finally(() => early?.close());
      if (!server) return;
      if (format === 'pretty') process.stdout.write(liveLine(server.url, server.transcripts, config.claudeDirs));
      const shutdown = async () => {
        await server.close();
        process.exit(failed ? 1 : 0); // stopped while failing: still a failure
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

/** An `--allowed-host` value: a name or address, with or without a port (only the name is compared). */
function parseHost(value: string): string {
  const name = hostName(value);
  if (name === null) throw new UsageError(`--allowed-host must be a host name such as team.example.com, got "${value}"`);
  return name;
}
