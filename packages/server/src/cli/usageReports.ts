import { Command, Option } from 'commander';
import type { UsageBlock, UsageTotals } from '@claudelens/protocol';
import { resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import { parseCalendarDate, parseInteger, parseTimeZone } from '../config/optionValues.js';
import type { PeriodKind } from '../core/usagePeriods.js';
import { withCommonOptions } from './options.js';
import { openReadStore } from './readStore.js';
import { blocksCsv, blocksTable, periodCsv, periodTable } from './usageOutput.js';

// `claudelens report daily|weekly|monthly|blocks`: ccusage's reports, answered from the store.
// The grouping is core/usagePeriods.ts and core/usageBlocks.ts; this file reads flags and prints.

export interface UsageReportOptions extends CommonOptions {
  json?: boolean;
  format?: 'table' | 'json' | 'csv';
  since?: string;
  until?: string;
  timezone?: string;
  project?: string;
  breakdown?: boolean;
  order: 'asc' | 'desc';
}

interface BlocksOptions extends UsageReportOptions {
  active?: boolean;
  recent?: boolean;
  tokenLimit?: string;
  sessionLength: string;
}

function withUsageOptions(command: Command): Command {
  return withCommonOptions(command)
    .option('--json', 'print ccusage 20\'s JSON (same keys and shapes)')
    .addOption(new Option('--format <format>', 'table, json or csv').choices(['table', 'json', 'csv']))
    .option('--since <date>', 'from this local date (YYYY-MM-DD or YYYYMMDD)')
    .option('--until <date>', 'to this local date, inclusive')
    .option('--timezone <tz>', 'group by dates in this IANA time zone (default: the system\'s)')
    .option('--project <path>', 'only requests of projects whose path contains this')
    .option('--breakdown', 'one line per model under each period (table and csv)')
    .addOption(new Option('--order <order>', 'oldest first (asc) or newest first (desc)').choices(['asc', 'desc']).default('asc'));
}

export function periodReportCommand(kind: PeriodKind): Command {
  const noun = { daily: 'day', weekly: 'week (from Monday)', monthly: 'month' }[kind];
  return withUsageOptions(new Command(kind))
    .description(`tokens and cost per ${noun}, by model (ccusage ${kind})`)
    .action(async (options: UsageReportOptions) => {
      const { timeZone, since, until, format } = readOptions(options);
      const { groupByPeriod } = await import('../core/usagePeriods.js');
      const entries = await readEntries(options, since, until);
      const { rows, totals } = groupByPeriod(entries, kind, { timeZone, since, until, order: options.order });
      if (format === 'json') print(JSON.stringify({ [kind]: rows, totals }, null, 2));
      else if (format === 'csv') print(periodCsv(rows, options.breakdown === true));
      else print(periodTable(kind, rows, totals, options.breakdown === true, timeZone));
    });
}

export function blocksReportCommand(): Command {
  return withUsageOptions(new Command('blocks'))
    .description('5-hour billing blocks, with the active one\'s burn rate and projection (ccusage blocks)')
    .option('--active', 'only the active block')
    .option('--recent', 'only blocks of the last 3 days, and the active one')
    .option('--token-limit <n>', 'warn when the active block\'s projection passes this many tokens ("max": the largest past block)')
    .option('--session-length <hours>', 'block length in hours', '5')
    .action(async (options: BlocksOptions) => {
      const { timeZone, since, until, format } = readOptions(options);
      const blockHours = parseInteger(options.sessionLength, '--session-length', { min: 1, max: 24 });
      const tokenLimit = options.tokenLimit === undefined ? undefined : options.tokenLimit === 'max' ? 'max' : parseInteger(options.tokenLimit, '--token-limit', { min: 1 });
      const { usageBlocks, recentBlocks, blocksWithinDates, withTokenLimit } = await import('../core/usageBlocks.js');
      const now = Date.now();
      // Where a block starts depends on every entry before it: blocks are built from the whole
      // history, then chosen by the local date they start on (as ccusage does).
      const entries = await readEntries(options, undefined, undefined);
      let blocks = blocksWithinDates(usageBlocks(entries, { now, blockHours }), timeZone, since, until);
      if (options.recent) blocks = recentBlocks(blocks, now);
      if (options.active) blocks = blocks.filter((b) => b.isActive);
      if (tokenLimit !== undefined) withTokenLimit(blocks, tokenLimit);
      if (options.order === 'desc') blocks.reverse();
      if (format === 'json') print(JSON.stringify({ blocks }, null, 2));
      else if (format === 'csv') print(blocksCsv(blocks));
      else print(blocksTable(blocks, timeZone, totalsOf(blocks)));
    });
}

function readOptions(options: UsageReportOptions) {
  if (options.json && options.format && options.format !== 'json') throw new UsageError(`--json and --format ${options.format} disagree: pass one`);
  const format = options.json ? 'json' : (options.format ?? 'table');
  const timeZone = parseTimeZone(options.timezone);
  const since = options.since === undefined ? undefined : parseCalendarDate(options.since, '--since');
  const until = options.until === undefined ? undefined : parseCalendarDate(options.until, '--until');
  if (since && until && since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
  return { format, timeZone, since, until };
}

/** The store's requests summed per minute and model, read over a window a day wider than the local dates on each side (any zone). */
async function readEntries(options: UsageReportOptions, since: string | undefined, until: string | undefined) {
  const config = resolveConfig(options, process.env, false);
  const store = await openReadStore(config);
  const day = 86_400_000;
  try {
    return await store.usageBuckets({
      from: since === undefined ? undefined : new Date(Date.parse(since) - day).toISOString(),
      to: until === undefined ? undefined : new Date(Date.parse(until) + 2 * day).toISOString(),
      project: options.project,
    });
  } finally {
    await store.close();
  }
}

function totalsOf(blocks: UsageBlock[]): UsageTotals {
  const t: UsageTotals = { cacheCreationTokens: 0, cacheReadTokens: 0, inputTokens: 0, outputTokens: 0, totalCost: 0, totalTokens: 0 };
  for (const b of blocks) {
    t.cacheCreationTokens += b.tokenCounts.cacheCreationInputTokens;
    t.cacheReadTokens += b.tokenCounts.cacheReadInputTokens;
    t.inputTokens += b.tokenCounts.inputTokens;
    t.outputTokens += b.tokenCounts.outputTokens;
    t.totalCost += b.costUSD;
    t.totalTokens += b.totalTokens;
  }
  return t;
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
