import { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, parsePort, resolveConfig, type CommonOptions } from '../config/config.js';
import { withCommonOptions } from './options.js';

interface ServeOptions extends CommonOptions {
  host: string;
  port: number;
  poll?: boolean;
}

export function serveCommand(): Command {
  return withCommonOptions(new Command('serve'))
    .description('backfill, then follow transcripts live and serve the API')
    .option('--host <host>', 'address to bind', process.env.CLAUDELENS_HOST ?? DEFAULT_HOST)
    .option('--port <port>', 'port to listen on', parsePort, parsePort(process.env.CLAUDELENS_PORT ?? String(DEFAULT_PORT)))
    .option('--poll', 'poll files instead of using file-system events (network file systems)')
    .action(async (options: ServeOptions) => {
      const config = resolveConfig(options);
      // Loaded here, not at the top: every command would otherwise pay for the server's modules.
      const [{ pino }, { buildServer }, { backfill }, { watchTranscripts }, { openServices }] = await Promise.all([
        import('pino'),
        import('../api/buildServer.js'),
        import('../ingest/backfill.js'),
        import('../ingest/watcher.js'),
        import('./openServices.js'),
      ]);
      const logger = pino({ name: 'claudelens', level: process.env.CLAUDELENS_LOG_LEVEL ?? 'info' });
      const { ctx, storeSpec } = openServices(config);
      let phase: 'backfilling' | 'live' = 'backfilling';
      const app = buildServer({ phase: () => phase }, logger);
      await app.listen({ host: options.host, port: options.port });

      const summary = await backfill(ctx, config.claudeDirs, { storeSpec });
      logger.info(summary, 'backfill done');
      const watcher = watchTranscripts(ctx, config.claudeDirs, {
        poll: options.poll,
        onError: (error) => logger.warn({ err: error }, 'watch error'),
      });
      await watcher.rescan();
      phase = 'live';
      logger.info({ claudeDirs: config.claudeDirs }, 'watching transcripts');

      const shutdown = async () => {
        await app.close();
        await watcher.close();
        await ctx.store.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
