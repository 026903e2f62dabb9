import { memo } from 'react';

interface SparklineProps {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}

/** A small SVG line with its area, scaled to its own maximum; the last point marked. */
export const Sparkline = memo(function Sparkline({ values, label, width = 240, height = 48 }: SparklineProps) {
  const n = values.length;
  const max = values.reduce((m, v) => (v > m ? v : m), 0);
  const x = (i: number) => (n <= 1 ? width : (i / (n - 1)) * width);
  const y = (v: number) => height - 2 - (max > 0 ? (v / max) * (height - 6) : 0);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values.at(-1) ?? 0;
  return (
    <svg className="sparkline" role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" data-points={n} data-max={max}>
      {n > 0 && (
        <>
          <path className="sparkline-area" d={`M0,${height} L${points.replaceAll(' ', ' L')} L${width},${height} Z`} />
          <polyline className="sparkline-line" points={points} vectorEffect="non-scaling-stroke" />
          <circle className="sparkline-dot" cx={x(n - 1)} cy={y(last)} r={2.5} vectorEffect="non-scaling-stroke" />
        </>
      )}
    </svg>
  );
});
