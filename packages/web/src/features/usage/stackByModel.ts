import type { UsagePeriod } from '@claudelens/protocol';

export interface StackLayer {
  model: string;
  /** Each period's cost of this model and of every model below it. */
  top: number[];
}

/** Periods as stacked layers, most costly model at the bottom; x in seconds (uPlot's time unit). */
export function stackByModel(periods: UsagePeriod[]): { xs: number[]; layers: StackLayer[] } {
  const totals = new Map<string, number>();
  for (const p of periods) for (const m of p.models) totals.set(m.key, (totals.get(m.key) ?? 0) + m.cost);
  const models = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([model]) => model);
  const running = periods.map(() => 0);
  const layers = models.map((model) => ({
    model,
    top: periods.map((p, i) => (running[i] = (running[i] ?? 0) + (p.models.find((m) => m.key === model)?.cost ?? 0))),
  }));
  return { xs: periods.map((p) => Date.parse(p.start) / 1000), layers };
}

const PALETTE = ['#d97757', '#6a9bcc', '#8fb86a', '#c68bd8', '#e0b84f', '#5fb3a8', '#b5787f', '#8a8f99'];

/** A colour per model, the same on the chart and in the tables. */
export function modelColors(models: string[]): Map<string, string> {
  return new Map(models.map((model, i) => [model, PALETTE[i % PALETTE.length] as string]));
}
