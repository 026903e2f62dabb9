import { Command, Option } from 'commander';
import { isLoopback } from '../api/auth.js';
import { resolveConfig, UsageError } from '../config/config.js';
import { parseBytes, parseSeconds, parseServerUrl } from '../config/optionValues.js';
import { resolveToken, TOKEN_ARGV_WARNING } from '../config/token.js';

interface ShipOptions {
  server?: string;
  token?: string;
  tokenFile?: string;
  claudeDir?: string[];
  dataDir?: string;
  id?: string;
  batchBytes?: number;
  retryMax: number;
  poll?: boolean;
  once?: boolean;
}

export function shipCommand(): Command {
  return new Command('ship')
    .description('send local transcripts to a ClaudeLens server as they are written (docs/remote-ingest.md)')
    .addOption(new Option('--server <url>', 'the server, e.g. http://team-host:4280').env('CLAUDELENS_SERVER'))
    .option('--token <token>', "the server's token; env CLAUDELENS_TOKEN")
    .option('--token-file <file>', "read the server's token from this file (not visible in ps, unlike --token); env CLAUDELENS_TOKEN_FILE")
    .option('--claude-dir <dir>', 'Claude config folder containing projects/ (repeatable; default $CLAUDE_CONFIG_DIR or ~/.claude)', (v: string, all: string[] = []) => [...all, v])
    .addOption(new Option('--data-dir <dir>', 'where the shipper remembers what the server acknowledged (default ~/.claudelens)').env('CLAUDELENS_DATA_DIR'))
    .option('--id <id>', 'the claude dir id on the server (default <hostname>-<hash of hostname and folder>); one --claude-dir only')
    .option('--batch-bytes <size>', 'transcript bytes per request at most (default 2MiB)', (v: string) => parseBytes(v, '--batch-bytes'))
    .option('--retry-max <seconds>', 'longest wait between retries while the server is unreachable', (v: string) => parseSeconds(v, '--retry-max'), 30)
    .option('--poll', 'poll files instead of using file-system events (network file systems)')
    .option('--once', 'ship what is there now, then exit')
    .action(async (options: ShipOptions) => {
      const server = parseServerUrl(options.server);
      const config = resolveConfig({ claudeDir: options.claudeDir, dataDir: options.dataDir });
      if (options.id !== undefined && config.claudeDirs.length !== 1) throw new UsageError('--id names one claude dir: pass exactly one --claude-dir with it');
      const { token, fromArgv } = resolveToken(options);
      // Loaded here, not at the top: every command would otherwise pay for the shipper's modules.
      const [{ ClaudeDirIdSchema }, { startShipper }, { ShipState, defaultClaudeDirId }] = await Promise.all([
        import('@claudelens/protocol'),
        import('../ingest/shipper.js'),
        import('../ingest/shipState.js'),
      ]);
      const sources = config.claudeDirs.map((claudeDir) => ({ claudeDir, id: options.id ?? defaultClaudeDirId(claudeDir) }));
      for (const { id } of sources) {
        if (!ClaudeDirIdSchema.safeParse(id).success) throw new UsageError(`--id must be letters, digits, ".", "_" or "-", got "${id}"`);
      }
      const log = (line: string) => process.stderr.write(`ship: ${line}\n`);
      if (fromArgv) log(`warning: ${TOKEN_ARGV_WARNING}`);
      if (token !== null && server.protocol === 'http:' && !isLoopback(server.hostname)) log(`warning: the token goes to ${server.host} unencrypted (http)`);
      for (const { claudeDir, id } of sources) log(`${claudeDir} -> ${server.href} as ${id}`);
      const shipper = startShipper({
        server: server.href,
        token,
        sources,
        state: ShipState.load(config.dataDir, server.href, log),
        batchBytes: options.batchBytes,
        retryMaxMs: options.retryMax * 1000,
        once: options.once,
        poll: options.poll,
        log,
      });
      const stop = () => void shipper.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await shipper.done;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });
}
