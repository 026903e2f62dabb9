import { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, parseBytes, parsePort, resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import { withCommonOptions } from './options.js';

interface ServeOptions extends CommonOptions {
  host: string;
  port: number;
  poll?: boolean;
  config?: string;
  token?: string;
  allowOrigin?: string[];
  ingestBodyLimit?: number;
  redisUrl?: string;
  nodeId?: string;
  leaseTtl?: number;
  maxLiveSessions?: number;
}

export function serveCommand(): Command {
  return withCommonOptions(new Command('serve'))
    .description('backfill, then follow transcripts live and serve the API')
    .option('--host <host>', 'address to bind', process.env.CLAUDELENS_HOST ?? DEFAULT_HOST)
    .option('--port <port>', 'port to listen on', parsePort, parsePort(process.env.CLAUDELENS_PORT ?? String(DEFAULT_PORT)))
    .option('--poll', 'poll files instead of using file-system events (network file systems)')
    .option('--config <file>', 'JSON config: status thresholds, alert rules, webhooks (see docs/api.md)')
    .option('--token <token>', 'require this token on every request (needed to bind a non-loopback address); env CLAUDELENS_TOKEN')
    .option('--allow-origin <origin>', 'another origin that may open WebSockets (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--ingest-body-limit <size>', 'largest POST /api/v1/ingest body (default 8MiB); env CLAUDELENS_INGEST_BODY_LIMIT', (v: string) => parseBytes(v, '--ingest-body-limit'))
    .option('--redis-url <url>', 'share live events with other nodes through this Redis (redis://host:6379); env CLAUDELENS_REDIS_URL')
    .option('--node-id <id>', 'this node\'s name among several (default host:pid); env CLAUDELENS_NODE_ID')
    .option('--lease-ttl <seconds>', 'on a shared database, take over a claude dir whose node stopped renewing for this long (default 15)', (v: string) => parsePositive(v, '--lease-ttl'))
    .option('--max-live-sessions <n>', 'most sessions kept live; past it the least recently active leave the live set (default 10000); env CLAUDELENS_MAX_LIVE_SESSIONS', (v: string) => parseCount(v, '--max-live-sessions'))
    .action(async (options: ServeOptions) => {
      const config = resolveConfig(options);
      // Loaded here, not at the top: every command would otherwise pay for the server's modules.
      const [{ pino }, { startServer }, { loadLiveConfig }] = await Promise.all([
        import('pino'),
        import('./startServer.js'),
        import('../config/liveConfig.js'),
      ]);
      const live = loadLiveConfig(options.config ?? process.env.CLAUDELENS_CONFIG ?? null);
      const logger = pino({ name: 'claudelens', level: process.env.CLAUDELENS_LOG_LEVEL ?? 'info' });
      const token = options.token ?? process.env.CLAUDELENS_TOKEN ?? null;
      const envLimit = process.env.CLAUDELENS_INGEST_BODY_LIMIT;
      const ingestBodyLimit = options.ingestBodyLimit ?? (envLimit ? parseBytes(envLimit, 'CLAUDELENS_INGEST_BODY_LIMIT') : undefined);
      const redisUrl = parseRedisUrl(options.redisUrl ?? process.env.CLAUDELENS_REDIS_URL);
      const server = await startServer(
        config,
        {
          host: options.host,
          port: options.port,
          poll: options.poll,
          live,
          token,
          allowedOrigins: options.allowOrigin,
          ingestBodyLimit,
          redisUrl,
          nodeId: options.nodeId ?? process.env.CLAUDELENS_NODE_ID,
          leaseTtlSeconds: options.leaseTtl,
          maxLiveSessions: options.maxLiveSessions ?? (process.env.CLAUDELENS_MAX_LIVE_SESSIONS ? parseCount(process.env.CLAUDELENS_MAX_LIVE_SESSIONS, 'CLAUDELENS_MAX_LIVE_SESSIONS') : undefined),
        },
        logger,
      );
      const shutdown = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

function parsePositive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got ${value}`);
  return n;
}

function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} must be a whole number above 0, got ${value}`);
  return n;
}

function parseRedisUrl(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^rediss?:\/\//.test(value)) throw new UsageError(`--redis-url must start with redis:// or rediss://, got ${value}`);
  return value;
}
