import type { FastifyInstance } from 'fastify';

export interface MetricSource {
  /** Each metric: name, help, type and value. */
  read(): { name: string; help: string; type: 'counter' | 'gauge'; value: number }[];
}

/** GET /metrics in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, source: MetricSource): void {
  app.get('/metrics', async (_request, reply) => {
    const lines: string[] = [];
    for (const m of source.read()) {
      lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, `${m.name} ${Number.isFinite(m.value) ? m.value : 0}`);
    }
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
