import { metricsRegistry, storeCallDuration } from './metric-catalogue';
import { boundedLabel, onScrape, renderMetrics } from './metrics';
import { recordRejectedItems } from './partner-rejections';
import { elasticsearchOperation, recordStoreCall } from './store-metrics';

describe('Metrics', () => {
  it('keeps a label from outside to its first values and reports the rest as "other"', () => {
    const label = boundedLabel(2);
    expect(['amqp:a', 'amqp:b', 'amqp:a', 'amqp:c', 'amqp:d'].map(label)).toEqual([
      'amqp:a',
      'amqp:b',
      'amqp:a',
      'other',
      'other',
    ]);
  });

  it('names an Elasticsearch call by its endpoint, never by the index or the document id in its path', () => {
    expect(elasticsearchOperation('POST', '/credit-transactions-v1/_bulk')).toBe('post _bulk');
    expect(elasticsearchOperation('GET', '/credit-transactions-v1/_doc/api%3Abank%3Aevt-12345678909')).toBe('get _doc');
    expect(elasticsearchOperation('PUT', '/credit-transactions-v1')).toBe('put index');
    expect(elasticsearchOperation('GET', '/_cat/indices')).toBe('get other');
  });

  it('refreshes scrape-time gauges before rendering, and answers even when one of them hangs', async () => {
    let refreshed = 0;
    const stopCounting = onScrape(async () => {
      refreshed += 1;
    });
    const stopHanging = onScrape(() => new Promise<void>(() => undefined));
    try {
      const started = Date.now();
      const text = await renderMetrics();
      expect(refreshed).toBe(1);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(text).toContain('# TYPE credit_store_call_duration_seconds histogram');
    } finally {
      stopCounting();
      stopHanging();
    }
  });

  it("records store calls and partner rejections under the catalogue's names, labels bounded", async () => {
    recordStoreCall('redis', 'evalsha', 0.0004, false);
    recordRejectedItems('amqp:acme', 'transactions', 'SCHEMA_INVALID', 3);
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(
      /credit_store_call_duration_seconds_bucket\{le="0.0005",store="redis",operation="evalsha"\} 1/,
    );
    expect(text).toContain(
      'credit_partner_items_rejected_total{partner="amqp:acme",feed="transactions",code="SCHEMA_INVALID"} 3',
    );
    expect(storeCallDuration).toBeDefined();
  });
});
