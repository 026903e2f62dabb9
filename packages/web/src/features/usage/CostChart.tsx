import type { UsagePeriod } from '@claudelens/protocol';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCost } from '../../lib/format';
import { stackLayers, type StackBy } from './stackByModel';

/**
 * Cost per period as bars stacked by model (uPlot: 22 KB gzipped against ECharts' 169 KB for the
 * same bar chart, docs/usage.md#the-usage-page). Loaded with the Usage page only.
 */
export default function CostChart({ periods, by, keys, colors }: { periods: UsagePeriod[]; by: StackBy; keys: string[]; colors: Map<string, string> }) {
  const holder = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const { xs, layers } = stackLayers(periods, by, keys);
    // uPlot draws series in order: the full stack first, each lower layer over it.
    const drawn = [...layers].reverse();
    const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height: 240,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ stroke: 'currentColor', grid: { show: false } }, { stroke: 'currentColor', size: 64, values: (_u, values) => values.map((v) => formatCost(v)) }],
        series: [{}, ...drawn.map((layer) => ({ label: layer.key, fill: colors.get(layer.key) ?? '#888', stroke: colors.get(layer.key) ?? '#888', width: 0, paths: bars, points: { show: false } }))],
      },
      [xs, ...drawn.map((layer) => layer.top)],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 200), height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [periods, by, keys, colors]);

  return <div ref={holder} className="usage-chart" role="img" aria-label={`Cost per period, stacked by ${by === 'models' ? 'model' : 'project'}`} />;
}
