import type { UsagePeriod, UsageSlice } from '@claudelens/protocol';

export type StackBy = 'models' | 'projects';

/** The rest, past the layers with colours of their own. */
export const OTHER = 'other';
const PALETTE = ['#d97757', '#6a9bcc', '#8fb86a', '#c68bd8', '#e0b84f', '#5fb3a8', '#b5787f'];
const OTHER_COLOR = '#8a8f99';

export interface StackLayer {
  /** The model or project of this layer, or OTHER. */
  key: string;
  /** Each period's cost of this layer and of every layer below it. */
  top: number[];
}

/** The layers to draw, most costly first: as many as there are colours, then OTHER for the rest. */
export function stackKeys(slices: UsageSlice[]): string[] {
  const keys = slices.map((s) => s.key);
  return keys.length <= PALETTE.length ? keys : [...keys.slice(0, PALETTE.length - 1), OTHER];
}

/** A colour per layer, the same on the chart and in its legend. */
export function layerColors(keys: string[]): Map<string, string> {
  return new Map(keys.map((key, i) => [key, key === OTHER ? OTHER_COLOR : (PALETTE[i % PALETTE.length] as string)]));
}

/** Periods as stacked layers (by model or project, in `keys` order, the first at the bottom); x in seconds (uPlot's time unit). */
export function stackLayers(periods: UsagePeriod[], by: StackBy, keys: string[]): { xs: number[]; layers: StackLayer[] } {
  const own = new Set(keys.filter((k) => k !== OTHER));
  const running = periods.map(() => 0);
  const costOf = (p: UsagePeriod, key: string) =>
    p[by].filter((s) => (key === OTHER ? !own.has(s.key) : s.key === key)).reduce((n, s) => n + s.cost, 0);
  const layers = keys.map((key) => ({ key, top: periods.map((p, i) => (running[i] = (running[i] ?? 0) + costOf(p, key))) }));
  return { xs: periods.map((p) => Date.parse(p.start) / 1000), layers };
}
