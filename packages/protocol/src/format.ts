import type { StatType } from './live.js';

// The card texts of spec 000 ("262", "18", "45K", "$0.45"): the server sends them as
// `formatted_value` and the web app writes the numbers it animates the same way, so both use
// this one copy. Thousands are grouped by hand: Number#toLocaleString showed in profiles with
// hundreds of cards updating, and grouping by hand takes about a third of its time (a cached
// Intl.NumberFormat was slower still; figures in docs/api.md, "Stat texts").
// Made on first use: an Intl formatter loads ICU's number data, 12-24 ms of every start-up, for
// numbers beyond 2^53 that hardly ever come.
let large: Intl.NumberFormat | undefined;

/** A whole number with thousands separators, as en-US writes it: "12,345". */
export function formatCount(n: number): string {
  const whole = Math.round(n);
  if (!Number.isSafeInteger(whole)) return (large ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(whole);
  if (whole > -1000 && whole < 1000) return String(whole);
  const digits = String(Math.abs(whole));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return whole < 0 ? `-${out}` : out;
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
  return dollars >= 100 ? `$${formatCount(dollars)}` : `$${dollars.toFixed(2)}`;
}

/** The `formatted_value` of a stat update. */
export function formatStat(type: StatType, value: number): string {
  if (type === 'tokens') return formatTokens(value);
  if (type === 'cost') return formatCost(value);
  return formatCount(value);
}
