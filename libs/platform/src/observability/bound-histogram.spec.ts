import { Histogram, Registry } from 'prom-client';
import { BoundHistogram } from './bound-histogram';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const config = { name: 'test_duration_seconds', help: 'Test durations', buckets: BUCKETS };
const labelNames = ['method', 'route', 'status_code', 'cache'] as const;

describe('BoundHistogram', () => {
  it("exports, as text and as JSON, exactly what prom-client's histogram exports for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const bound = new BoundHistogram({ ...config, labelNames, registers: [ours] });
    const reference = new Histogram({ ...config, labelNames, registers: [theirs] });
    const hit = { method: 'GET', route: '/v1/credit-analyses/:cpf', status_code: '200', cache: 'hit' };
    const notFound = { method: 'GET', route: '/v1/credit-analyses/:cpf', status_code: '404' };
    // Boundaries, both sides of them, beyond the last bucket, zero, and the two label sets interleaved.
    const observations: [typeof hit | typeof notFound, number][] = [
      [notFound, 0.0005],
      [hit, 0.00031],
      [hit, 0.0011],
      [notFound, 12.5],
      [hit, 0],
      [hit, 0.25],
      [notFound, 0.0050001],
      [hit, 0.1 + 0.2],
    ];
    const children = new Map([hit, notFound].map((labels) => [labels, bound.labels(labels)]));
    for (const [labels, value] of observations) {
      children.get(labels)!.observe(value);
      reference.labels(labels).observe(value);
    }

    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(JSON.parse(JSON.stringify(await theirs.getMetricsAsJSON())));
    expect(await ours.metrics()).toContain(
      'test_duration_seconds_bucket{le="0.001",method="GET",route="/v1/credit-analyses/:cpf",status_code="200",' +
        'cache="hit"} 2',
    );
  });

  it('lists a label set from its first observation, shares one series per label set, and forgets on reset', async () => {
    const registry = new Registry();
    const histogram = new BoundHistogram({ ...config, labelNames: ['store', 'operation'], registers: [registry] });
    const first = histogram.labels({ store: 'redis', operation: 'get' });
    const again = histogram.labels({ store: 'redis', operation: 'get' });
    histogram.labels({ store: 'redis', operation: 'xadd' });
    expect(await registry.metrics()).not.toContain('store="redis"');

    first.observe(0.002);
    again.observe(0.003);
    const text = await registry.metrics();
    expect(text).toContain('test_duration_seconds_count{store="redis",operation="get"} 2');
    expect(text).not.toContain('operation="xadd"');

    histogram.reset();
    expect(await registry.metrics()).not.toContain('store="redis"');
    first.observe(0.004);
    expect(await registry.metrics()).toContain('test_duration_seconds_count{store="redis",operation="get"} 1');
  });

  it('refuses a label it was not given and a value that is not a finite number', () => {
    const histogram = new BoundHistogram({ ...config, labelNames: ['store'], registers: [] });
    expect(() => histogram.labels({ queue: 'x' } as never)).toThrow('test_duration_seconds has no label "queue"');
    expect(() => histogram.labels({ store: 'redis' }).observe(Number.NaN)).toThrow(TypeError);
  });
});
