import { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, parseBytes, parsePort, resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import { hostName } from '../api/auth.js';
import { resolveToken, TOKEN_ARGV_WARNING } from '../config/token.js';
import { withCommonOptions } from './options.js';

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
}

export function serveCommand(): Command {
  return withCommonOptions(new Command('serve'))
    .description('backfill, then follow transcripts live and serve the API')
    .option('--host <host>', 'address to bind', process.env.CLAUDELENS_HOST ?? DEFAULT_HOST)
    .option('--port <port>', 'port to listen on', parsePort, parsePort(process.env.CLAUDELENS_PORT ?? String(DEFAULT_PORT)))
    .option('--poll', 'poll files instead of using file-system events (network file systems)')
    .option('--config <file>', 'JSON config: status thresholds, alert rules, webhooks (see docs/api.md)')
    .option('--token <token>', 'require this token on every request (needed to bind a non-loopback address); env CLAUDELENS_TOKEN')
    .option('--token-file <file>', 'read the token from this file (not visible in ps, unlike --token); env CLAUDELENS_TOKEN_FILE')
    .option('--allow-origin <origin>', 'another origin that may open WebSockets (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--allowed-host <name>', 'another Host name requests may use besides the loopback ones (repeatable; see docs/security.md); env CLAUDELENS_ALLOWED_HOSTS', (v: string, all: string[] = []) => [...all, parseHost(v)])
    .option('--max-connections <n>', 'connections at once, WebSockets included; requests past it get 503 (default 1024)', (v: string) => parseCount(v, '--max-connections'))
    .option('--request-timeout <seconds>', 'longest a client may take to send one request, body included (default 60)', (v: string) => parsePositive(v, '--request-timeout'))
    .option('--ingest-body-limit <size>', 'largest POST /api/v1/ingest body (default 8MiB); env CLAUDELENS_INGEST_BODY_LIMIT', (v: string) => parseBytes(v, '--ingest-body-limit'))
    .option('--redis-url <url>', 'share live events with other nodes through this Redis (redis://host:6379); env CLAUDELENS_REDIS_URL')
    .option('--node-id <id>', 'this node\'s name among several (default host:pid); env CLAUDELENS_NODE_ID')
    .option('--lease-ttl <seconds>', 'on a shared database, take over a claude dir whose node stopped renewing for this long (default 15)', (v: string) => parsePositive(v, '--lease-ttl'))
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
      const { token, fromArgv } = resolveToken(options);
      if (fromArgv) logger.warn(TOKEN_ARGV_WARNING);
      const allowedHosts = options.allowedHost ?? process.env.CLAUDELENS_ALLOWED_HOSTS?.split(',').filter((h) => h.trim() !== '').map(parseHost);
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
          allowedHosts,
          limits: {
            ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
            ...(options.requestTimeout ? { requestTimeoutMs: options.requestTimeout * 1000 } : {}),
          },
          ingestBodyLimit,
          redisUrl,
          nodeId: options.nodeId ?? process.env.CLAUDELENS_NODE_ID,
          leaseTtlSeconds: options.leaseTtl,
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
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a whole number above 0, got ${value}`);
  return n;
}

/** An `--allowed-host` value: a name or address, with or without a port (only the name is compared). */
function parseHost(value: string): string {
  const name = hostName(value);
  if (name === null) throw new UsageError(`--allowed-host must be a host name such as team.example.com, got "${value}"`);
  return name;
}

function parseRedisUrl(value: string | undefined): string | null {
  if (!value) return null;
  if (!/^rediss?:\/\//.test(value)) throw new UsageError(`--redis-url must start with redis:// or rediss://, got ${value}`);
  return value;
}
