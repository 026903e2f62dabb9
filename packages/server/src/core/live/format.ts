import type { StatType } from '@claudelens/protocol';

/** The card text of a stat, as spec 000 shows it: "262", "18", "45K", "$0.45". */
export function formatStat(type: StatType, value: number): string {
  switch (type) {
    case 'messages':
    case 'tools':
      return Math.round(value).toLocaleString('en-US');
    case 'tokens':
      return compact(value);
    case 'cost':
      return value >= 100 ? `$${Math.round(value).toLocaleString('en-US')}` : `$${value.toFixed(2)}`;
  }
}

function compact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  for (const [size, suffix] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (n >= size) {
      const scaled = n / size;
      return `${scaled >= 100 ? Math.round(scaled) : Number(scaled.toFixed(1))}${suffix}`;
    }
  }
  return String(n);
}
