import type { FastifyInstance } from 'fastify';
import type { Histogram } from '../core/histogram.js';

export type Metric =
  | { name: string; help: string; type: 'counter' | 'gauge'; value: number }
  | { name: string; help: string; type: 'histogram'; histogram: Histogram };

export interface MetricSource {
  read(): Metric[];
}

const number = (value: number): string => (Number.isFinite(value) ? String(value) : '0');

/** GET /metrics in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, source: MetricSource): void {
  app.get('/metrics', async (_request, reply) => {
    const lines: string[] = [];
    for (const m of source.read()) {
      lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`);
      if (m.type !== 'histogram') {
        lines.push(`${m.name} ${number(m.value)}`);
        continue;
      }
      const h = m.histogram;
      for (const bucket of h.cumulative()) lines.push(`${m.name}_bucket{le="${bucket.le}"} ${bucket.count}`);
      lines.push(`${m.name}_bucket{le="+Inf"} ${h.count}`, `${m.name}_sum ${number(h.sum)}`, `${m.name}_count ${h.count}`);
    }
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
