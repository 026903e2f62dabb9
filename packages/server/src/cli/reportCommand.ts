import { Command } from 'commander';
import type { SessionSummary } from '@claudelens/protocol';
import { parseDate, resolveConfig, type CommonOptions, type Config } from '../config/config.js';
import { withCommonOptions } from './options.js';

interface SessionsOptions extends CommonOptions {
  json?: boolean;
  project?: string;
  since?: string;
}

export function reportCommand(): Command {
  const report = new Command('report').description('print what the store holds');
  report.addCommand(
    withCommonOptions(new Command('sessions'))
      .description('per-session messages, tools, tokens and cost')
      .option('--json', 'print {"sessions": [...]} instead of a table')
      .option('--project <path>', 'only sessions whose project path contains this')
      .option('--since <date>', 'only sessions active on or after this date')
      .action(async (options: SessionsOptions) => {
        const since = options.since === undefined ? undefined : parseDate(options.since, '--since');
        const config = resolveConfig(options, process.env, false);
        const store = await openReadStore(config);
        try {
          const sessions = await store.sessions({ project: options.project, since });
          process.stdout.write(options.json ? `${JSON.stringify({ sessions }, null, 2)}\n` : sessionTable(sessions));
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
        const config = resolveConfig(options, process.env, false);
        const store = await openReadStore(config);
        try {
          const health = await store.health(Math.max(0, Number.parseInt(options.limit, 10) || 0));
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
  return report;
}

async function openReadStore(config: Config) {
  const [{ openStore }, { storeSpecOf }] = await Promise.all([import('../store/openStore.js'), import('./openServices.js')]);
  return openStore(storeSpecOf(config));
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
