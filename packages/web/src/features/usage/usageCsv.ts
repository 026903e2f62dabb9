import type { UsageResponse } from '@claudelens/protocol';

function cell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The page's periods as CSV, one row per period and model (what the chart stacks). */
export function usageCsv(usage: UsageResponse): string {
  const rows: (string | number)[][] = [['period', 'start', 'end', 'model', 'requests', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens', 'cost']];
  for (const p of usage.periods) {
    for (const m of p.models) rows.push([p.period, p.start, p.end, m.key, m.requests, m.inputTokens, m.outputTokens, m.cacheCreationTokens, m.cacheReadTokens, m.totalTokens, m.cost]);
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

/** Hands the browser a file to save. */
export function downloadText(text: string, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
