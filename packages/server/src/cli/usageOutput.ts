import type { PeriodUsage, UsageBlock, UsageTotals } from '@claudelens/protocol';

// The table and CSV forms of the usage reports (JSON is ccusage's shape, printed as is).

const TOKEN_HEADERS = ['input', 'output', 'cache write', 'cache read', 'total tokens', 'cost'];

function tokenCells(t: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number }, cost: number): string[] {
  const total = t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens;
  return [t.inputTokens, t.outputTokens, t.cacheCreationTokens, t.cacheReadTokens, total].map((n) => n.toLocaleString('en-US')).concat(`$${cost.toFixed(2)}`);
}

/** Left-aligned text columns first, right-aligned figures after them. */
function table(header: string[], rows: string[][], textColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (i >= textColumns ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[format(header), ...rows.map(format)].join('\n')}\n`;
}

export function periodTable(kind: string, rows: PeriodUsage[], totals: UsageTotals, breakdown: boolean, timeZone: string): string {
  const label = { daily: 'date', weekly: 'week of', monthly: 'month' }[kind] ?? 'period';
  const body: string[][] = [];
  for (const row of rows) {
    body.push([row.period, row.modelsUsed.join(', '), ...tokenCells(row, row.totalCost)]);
    if (breakdown) for (const m of row.modelBreakdowns) body.push(['', `  └ ${m.modelName}`, ...tokenCells(m, m.cost)]);
  }
  body.push(['total', '', ...tokenCells(totals, totals.totalCost)]);
  const empty = rows.length === 0 ? 'no usage in this range\n' : '';
  return `${empty}${table([label, 'models', ...TOKEN_HEADERS], body, 2)}(dates in ${timeZone})\n`;
}

export function blocksTable(blocks: UsageBlock[], timeZone: string, totals: UsageTotals): string {
  const time = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const at = (iso: string) => time.format(Date.parse(iso)).replace(',', '');
  const body = blocks.map((b) => {
    const state = b.isGap ? '(gap)' : b.isActive ? 'ACTIVE' : '';
    const cells = [at(b.startTime), state, b.models.join(', '), String(b.entries)];
    const rate = b.burnRate ? `$${b.burnRate.costPerHour.toFixed(2)}/h` : '';
    const projected = b.projection ? `$${b.projection.totalCost.toFixed(2)} in ${b.projection.remainingMinutes} min` : '';
    const counts = { inputTokens: b.tokenCounts.inputTokens, outputTokens: b.tokenCounts.outputTokens, cacheCreationTokens: b.tokenCounts.cacheCreationInputTokens, cacheReadTokens: b.tokenCounts.cacheReadInputTokens };
    return [...cells, ...tokenCells(counts, b.costUSD), rate, projected];
  });
  body.push(['total', '', '', '', ...tokenCells(totals, totals.totalCost), '', '']);
  return `${table(['block start', 'state', 'models', 'requests', ...TOKEN_HEADERS, 'burn rate', 'projection'], body, 3)}(times in ${timeZone})\n`;
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 rows: a cell with a comma, quote or line break is quoted. */
export function csv(rows: (string | number | null)[][]): string {
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

const CSV_TOKENS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens', 'totalCost'];

/** One row per period (models joined by ";"), or with `breakdown` one per period and model. */
export function periodCsv(rows: PeriodUsage[], breakdown: boolean): string {
  const out: (string | number)[][] = [['period', breakdown ? 'model' : 'models', ...CSV_TOKENS]];
  for (const row of rows) {
    if (!breakdown) {
      out.push([row.period, row.modelsUsed.join(';'), row.inputTokens, row.outputTokens, row.cacheCreationTokens, row.cacheReadTokens, row.totalTokens, row.totalCost]);
      continue;
    }
    for (const m of row.modelBreakdowns) {
      const total = m.inputTokens + m.outputTokens + m.cacheCreationTokens + m.cacheReadTokens;
      out.push([row.period, m.modelName, m.inputTokens, m.outputTokens, m.cacheCreationTokens, m.cacheReadTokens, total, m.cost]);
    }
  }
  return csv(out);
}

export function blocksCsv(blocks: UsageBlock[]): string {
  const out: (string | number)[][] = [['startTime', 'endTime', 'actualEndTime', 'isActive', 'isGap', 'entries', 'models', ...CSV_TOKENS.slice(0, 5), 'costUSD', 'costPerHour', 'projectedCost']];
  for (const b of blocks) {
    const t = b.tokenCounts;
    out.push([
      b.startTime, b.endTime, b.actualEndTime ?? '', String(b.isActive), String(b.isGap), b.entries, b.models.join(';'),
      t.inputTokens, t.outputTokens, t.cacheCreationInputTokens, t.cacheReadInputTokens, b.totalTokens, b.costUSD,
      b.burnRate?.costPerHour ?? '', b.projection?.totalCost ?? '',
    ]);
  }
  return csv(out);
}
