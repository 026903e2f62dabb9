import type { StatType } from './live.js';

// The card texts of spec 000 ("262", "18", "45K", "$0.45"): the server sends them as
// `formatted_value` and the web app writes the numbers it animates the same way, so both use
// this one copy. One formatter, made once: Number#toLocaleString builds a new one on every call,
// which showed in profiles with hundreds of cards updating.
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A whole number with thousands separators: "12,345". */
export function formatCount(n: number): string {
  return WHOLE.format(Math.round(n));
}

/** Tokens, compact: "999", "45K", "33.6K", "3.8M", "123M". */
export function formatTokens(n: number): string {
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

/** Dollars: cents below $100 ("$0.45"), whole dollars from there ("$1,564"). */
export function formatCost(dollars: number): string {
  return dollars >= 100 ? `$${WHOLE.format(Math.round(dollars))}` : `$${dollars.toFixed(2)}`;
}

/** The `formatted_value` of a stat update. */
export function formatStat(type: StatType, value: number): string {
  if (type === 'tokens') return formatTokens(value);
  if (type === 'cost') return formatCost(value);
  return formatCount(value);
}
