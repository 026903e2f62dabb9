import { Command, Option } from 'commander';
import type { SessionSummary } from '@claudelens/protocol';
import { resolveConfig, UsageError, type CommonOptions } from '../config/config.js';
import { parseCalendarDate, parseDate, parseInteger } from '../config/optionValues.js';
import { withCommonOptions } from './options.js';
import { openReadStore } from './readStore.js';
import { csv } from './usageOutput.js';
import { blocksReportCommand, periodReportCommand } from './usageReports.js';

interface SessionsOptions extends CommonOptions {
  json?: boolean;
  format?: 'table' | 'json' | 'csv';
  project?: string;
  since?: string;
  until?: string;
  order?: 'asc' | 'desc';
}

export function reportCommand(): Command {
  const report = new Command('report')
    .description('print what the store holds')
    // `claudelens report … | head`: once the reader has gone, the rest of the report has nowhere to
    // go. That is the end of the output, not a failure: node reported it as an unhandled EPIPE,
    // with a stack trace and exit code 1.
    .hook('preAction', () => {
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        process.exit(0);
      });
    });
  report.addCommand(
    withCommonOptions(new Command('sessions'))
      .description('per-session messages, tools, tokens and cost')
      .option('--json', 'print {"sessions": [...]} instead of a table')
      .addOption(new Option('--format <format>', 'table, json or csv').choices(['table', 'json', 'csv']))
      .option('--project <path>', 'only sessions whose project path contains this')
      .option('--since <date>', 'only sessions active on or after this date (YYYY-MM-DD, YYYYMMDD or an ISO time)')
      .option('--until <date>', 'only sessions whose last activity is on or before this date')
      .addOption(new Option('--order <order>', 'most recent first (desc, the default) or oldest first (asc)').choices(['asc', 'desc']))
      .action(async (options: SessionsOptions) => {
        const since = options.since === undefined ? undefined : sessionDate(options.since, '--since');
        const until = options.until === undefined ? undefined : sessionDate(options.until, '--until');
        if (options.json && options.format && options.format !== 'json') throw new UsageError(`--json and --format ${options.format} disagree: pass one`);
        const format = options.json ? 'json' : (options.format ?? 'table');
        const config = resolveConfig(options, process.env, false);
        const store = await openReadStore(config);
        try {
          let sessions = await store.sessions({ project: options.project, since });
          // --until is a whole day: sessions last active before the next day began.
          if (until !== undefined) sessions = sessions.filter((s) => s.lastActivity !== null && s.lastActivity < nextDay(until));
          if (options.order === 'asc') sessions.reverse();
          const out = format === 'json' ? `${JSON.stringify({ sessions }, null, 2)}\n` : format === 'csv' ? sessionCsv(sessions) : sessionTable(sessions);
          process.stdout.write(out);
        } finally {
          await store.close();
        }
      }),
  );
  report.addCommand(
    withCommonOptions(new Command('health'))
      .description('parse problems and unreadable files, with file and line')
      .option('--json', 'print JSON')
      .option('--limit <n>', 'how many problems to list', '50')
      .action(async (options: CommonOptions & { json?: boolean; limit: string }) => {
        const limit = parseInteger(options.limit, '--limit');
        const config = resolveConfig(options, process.env, false);
        const store = await openReadStore(config);
        try {
          const health = await store.health(limit);
          if (options.json) {
            process.stdout.write(`${JSON.stringify(health, null, 2)}\n`);
            return;
          }
          const lines = [`${health.files} files, ${health.lines} lines read`];
          const kinds = Object.entries(health.problemsByKind);
          lines.push(kinds.length === 0 ? 'no problems' : `problems: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}`);
          const unknown = Object.entries(health.unknownLineTypes);
          if (unknown.length > 0) lines.push(`unknown line types (kept): ${unknown.map(([k, n]) => `${k} ${n}`).join(', ')}`);
          for (const p of health.problems) lines.push(`  ${p.file}${p.line === null ? '' : `:${p.line}`}  ${p.kind}  ${p.detail}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        } finally {
          await store.close();
        }
      }),
  );
  report.addCommand(periodReportCommand('daily'));
  report.addCommand(periodReportCommand('weekly'));
  report.addCommand(periodReportCommand('monthly'));
  report.addCommand(blocksReportCommand());
  return report;
}

/** A calendar date (`YYYY-MM-DD`, `YYYYMMDD`) as the start of that UTC day, else any date Date.parse reads. */
function sessionDate(value: string, flag: string): string {
  return /^\d{8}$|^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${parseCalendarDate(value, flag)}T00:00:00.000Z` : parseDate(value, flag);
}

function nextDay(iso: string): string {
  const start = Date.parse(iso.slice(0, 10));
  return new Date(start + 86_400_000).toISOString();
}

function sessionCsv(sessions: SessionSummary[]): string {
  const header = ['sessionId', 'projectPath', 'firstActivity', 'lastActivity', 'messageCount', 'toolUseCount', 'requests', 'models', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalCost'];
  const rows = sessions.map((s) => [s.sessionId, s.projectPath, s.firstActivity, s.lastActivity, s.messageCount, s.toolUseCount, s.requests, s.models.join(';'), s.inputTokens, s.outputTokens, s.cacheCreationTokens, s.cacheReadTokens, s.totalCost]);
  return csv([header, ...rows]);
}

function sessionTable(sessions: SessionSummary[]): string {
  const header = ['session', 'project', 'last activity', 'msgs', 'tools', 'input', 'output', 'cache write', 'cache read', 'cost'];
  const rows = sessions.map((s) => [
    s.sessionId.slice(0, 8),
    s.projectPath ?? '',
    s.lastActivity?.slice(0, 16).replace('T', ' ') ?? '',
    String(s.messageCount),
    String(s.toolUseCount),
    String(s.inputTokens),
    String(s.outputTokens),
    String(s.cacheCreationTokens),
    String(s.cacheReadTokens),
    `$${s.totalCost.toFixed(2)}${s.unpricedModels.length > 0 ? '*' : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  const total = sessions.reduce((sum, s) => sum + s.totalCost, 0);
  const footer = `${sessions.length} sessions, $${total.toFixed(2)}${sessions.some((s) => s.unpricedModels.length > 0) ? ' (* includes unpriced models)' : ''}`;
  return `${[format(header), ...rows.map(format)].join('\n')}\n${footer}\n${beyondTokens(sessions)}`;
}

/** What the bill adds to the token cost (docs/pricing.md): one line each, absent when nothing. */
function beyondTokens(sessions: SessionSummary[]): string {
  let searches = 0, searchCost = 0, usOnly = 0, premium = 0;
  for (const s of sessions) {
    searches += s.extraCharges?.webSearchRequests ?? 0;
    searchCost += s.extraCharges?.serverToolCost ?? 0;
    usOnly += s.extraCharges?.usOnlyRequests ?? 0;
    premium += s.extraCharges?.dataResidencyCost ?? 0;
  }
  const lines: string[] = [];
  if (searches > 0) lines.push(`+ web search: ${searches} searches, $${searchCost.toFixed(2)} (not in ccusage's figures)`);
  if (usOnly > 0) lines.push(`+ US-only inference: ${usOnly} requests, $${premium.toFixed(2)} premium (not in ccusage's figures)`);
  return lines.map((l) => `${l}\n`).join('');
}
