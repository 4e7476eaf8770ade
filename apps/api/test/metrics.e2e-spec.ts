import { PROCESS_SPECIFIC_METRICS, metricsRegistry, setMetricsEnabled } from '@app/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DEMO_CPF_FORMATTED, client, keyFor, sampleOf, startApi } from './api-harness';

interface DocumentedMetric {
  name: string;
  type: string;
  labels: string[];
  exportedBy: string;
}

/** The metrics table of docs/operations.md, row by row. */
function documentedMetrics(): DocumentedMetric[] {
  const doc = readFileSync(join(__dirname, '../../../docs/operations.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `(credit_[a-z0-9_]+)` \| (\w+) \| ([^|]*) \| ([^|]*) \|/gm)];
  return rows.map(([, name, type, labels, exportedBy]) => ({
    name: name!,
    type: type!,
    labels: [...labels!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!),
    exportedBy: exportedBy!.trim(),
  }));
}

/** `# TYPE name type` of every metric the text exposes. */
function exposedTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name!, type!]));
}

describe('GET /metrics on the API', () => {
  let app: NestFastifyApplication;
  let key: string;

  beforeAll(async () => {
    app = await startApi();
    key = await keyFor(app, 'metrics-test');
  }, 30_000);
  afterAll(() => app.close());

  it('counts requests by route template and status, with latency, and never names a CPF', async () => {
    await client(app, key).get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    await client(app, key).get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
    await request(app.getHttpServer()).get('/v1/credit-analyses/12345678909').expect(401);
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const route = { method: 'GET', route: '/v1/credit-analyses/:cpf' };
    const requests = (labels: Record<string, string>) =>
      sampleOf(res.text, 'credit_http_request_duration_seconds_count', labels);
    // Both reads answered 200, the one served from the cache as cache="hit"; the refusal by its status.
    const hits = requests({ ...route, status_code: '200', cache: 'hit' });
    expect(hits).toBeGreaterThanOrEqual(1);
    expect(hits + requests({ ...route, status_code: '200' })).toBe(2);
    expect(requests({ ...route, status_code: '401' })).toBe(1);
    // Both reads looked in the in-memory cache; at least the second found what the first (or the demo load) put there.
    const lookup = /credit_analysis_cache_lookups_total\{result="(hit|miss)",path="cache"\} (\d+)/g;
    const lookups = [...res.text.matchAll(lookup)];
    expect(lookups.reduce((sum, [, , n]) => sum + Number(n), 0)).toBeGreaterThanOrEqual(2);
    expect(lookups.some(([, result, n]) => result === 'hit' && Number(n) >= 1)).toBe(true);
    expect(res.text).toMatch(/credit_store_call_duration_seconds_count\{store="pglite",operation="select"\} [1-9]/);
    expect(res.text).not.toMatch(/123\.?456\.?789-?09|12345678909/);
    expect(res.text).toContain('process_cpu_seconds_total');
    // prom-client's process metrics but its GC histogram, whose observer leaves garbage behind every collection.
    for (const name of ['nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_version_info'])
      expect(res.text).toContain(`# TYPE ${name} `);
    expect(res.text).not.toContain('nodejs_gc_duration_seconds');
  });

  it('exposes exactly the metrics docs/operations.md documents, with their types and labels', async () => {
    const documented = documentedMetrics();
    const exposed = exposedTypes((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    const ours = [...exposed.keys()].filter((n) => n.startsWith('credit_'));
    // Every app registers all but the anchoring process's metrics.
    const everyApp = documented.filter((m) => m.exportedBy === 'every app');
    expect(ours.sort()).toEqual(everyApp.map((m) => m.name).sort());
    for (const m of everyApp) expect(`${m.name} ${exposed.get(m.name)}`).toBe(`${m.name} ${m.type}`);
    // The catalogue, process-specific metrics included, is what the table lists, label for label.
    const catalogue = new Set(
      [...metricsRegistry.getMetricsAsArray(), ...PROCESS_SPECIFIC_METRICS]
        .map((metric) => metric as unknown as { name: string; type: string; labelNames: string[] })
        .filter((metric) => metric.name.startsWith('credit_'))
        .map((c) => `${c.name} ${c.type} [${c.labelNames.join(', ')}]`),
    );
    expect([...catalogue].sort()).toEqual(documented.map((d) => `${d.name} ${d.type} [${d.labels.join(', ')}]`).sort());
    const elsewhere = documented.filter((m) => m.exportedBy !== 'every app');
    expect(elsewhere.every((m) => m.exportedBy === 'anchoring process')).toBe(true);
  });
});

describe('METRICS_ENABLED=false', () => {
  it('serves no /metrics', async () => {
    const app = await startApi({ metricsEnabled: false });
    try {
      await request(app.getHttpServer()).get('/metrics').expect(404);
    } finally {
      await app.close();
      // The switch is per process: the next suite in this worker records again.
      setMetricsEnabled(true);
    }
  }, 30_000);
});
