import { Command } from 'commander';
import { assertWritableDataDir, resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import type CliProgress from 'cli-progress';
import type { BackfillProgress } from '../ingest/backfill.js';
import { withCommonOptions } from './options.js';

export function importCommand(): Command {
  return withCommonOptions(new Command('import'))
    .description('read every transcript once into the store, then exit')
    .action(async (options: CommonOptions) => {
      const config = resolveConfig(options);
      if (!config.databaseUrl) assertWritableDataDir(config.dataDir);
      const { checkClaudeDirs } = await import('./claudeDirs.js');
      const found = checkClaudeDirs(config.claudeDirs);
      for (const warning of found.warnings) process.stderr.write(`claudelens: ${warning}\n`);
      if (!found.anyTranscript) throw new UsageError(`nothing to import: no transcripts in ${config.claudeDirs.join(', ')}`);
      const [{ backfill }, { openServices }, { default: cliProgress }, { limitHeapGrowth }] = await Promise.all([
        import('../ingest/backfill.js'),
        import('./openServices.js'),
        import('cli-progress'),
        import('./heapGrowth.js'),
      ]);
      limitHeapGrowth();
      const { store, ctx, storeSpec } = await openServices(config);
      try {
        const report = progressReporter(process.stderr.isTTY === true ? cliProgress : null);
        const summary = await backfill(ctx, config.claudeDirs, { storeSpec, onProgress: report.update });
        report.stop();
        const counts = await store.counts();
        const mb = summary.bytes / 1e6;
        process.stdout.write(
          `imported ${summary.files} files, ${mb.toFixed(1)} MB, ${summary.lines} lines in ${summary.seconds.toFixed(2)} s` +
            ` (${(mb / summary.seconds).toFixed(1)} MB/s); store: ${counts.sessions} sessions, ${counts.requests} requests;` +
            ` ${summary.problems} new parse problems (claudelens report health)\n`,
        );
      } finally {
        await store.close();
      }
    });
}

/** A progress bar on a terminal; a plain line every few seconds otherwise. */
function progressReporter(tty: typeof CliProgress | null) {
  const started = performance.now();
  if (tty) {
    const cliProgress = tty;
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {percentage}% | {files} files | {mb} MB | {rate} lines/s | ETA {eta}s', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(p: BackfillProgress) {
        const payload = { files: `${p.filesDone}/${p.filesTotal}`, mb: (p.bytesDone / 1e6).toFixed(1), rate: rate(p.lines, started) };
        if (!begun) {
          bar.start(Math.max(p.bytesTotal, 1), p.bytesDone, payload);
          begun = true;
        } else bar.update(p.bytesDone, payload);
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p: BackfillProgress) {
      const now = performance.now();
      if (now - last < 2000 && p.filesDone !== p.filesTotal) return;
      last = now;
      process.stderr.write(`import: ${p.filesDone}/${p.filesTotal} files, ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB, ${rate(p.lines, started)} lines/s\n`);
    },
    stop() {},
  };
}

function rate(lines: number, started: number): number {
  return Math.round(lines / Math.max((performance.now() - started) / 1000, 0.001));
}
