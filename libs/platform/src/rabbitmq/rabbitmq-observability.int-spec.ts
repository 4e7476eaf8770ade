import { deadLetterQueue } from '@app/contracts';
import { ValidationError } from '@app/shared-kernel';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { randomUUID } from 'node:crypto';
import { createVhost, waitFor } from '@app/testing/contracts';
import { metricsRegistry } from '../observability/metric-catalogue';
import { renderMetrics } from '../observability/metrics';
import { startTracingSdk } from '../observability/tracing-sdk';
import { connectRabbitMq } from './rabbitmq.connection';
import { RabbitMqPublisher } from './rabbitmq.publisher';
import { RabbitMqServer } from './rabbitmq.server';

const Q = 'test.observed.v1';
const BATCHED = 'test.observed-batch.v1';

/** The value of one series of a counter or gauge, as /metrics would show it; 0 when it has none yet. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)!.get();
  const found = metric.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return Number(found?.value ?? 0);
}

/**
 * The transport records every message it takes and how it settled, and carries the trace through the message's
 * headers: a consumer span in the publisher's trace, child of the publish span. Real broker, own virtual host; the
 * spans go to an in-memory exporter (inside Jest the library instrumentations cannot patch, but the transport's own
 * spans need none).
 */
describe('RabbitMQ transport: metrics and trace context', () => {
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let server: RabbitMqServer;
  let publisher: RabbitMqPublisher;
  let connection: ReturnType<typeof connectRabbitMq>;
  const exporter = new InMemorySpanExporter();
  let tracing: { shutdown: () => Promise<void> };
  const handled = new Map<string, string | undefined>();
  const flaky = new Map<string, number>();

  beforeAll(async () => {
    tracing = startTracingSdk({ serviceName: 'transport-test', exporter, instrumentLibraries: false });
    vhost = await createVhost('observed');
    server = new RabbitMqServer({
      url: vhost.url,
      name: 'observed-test',
      prefetch: 4,
      maxAttempts: 2,
      retryDelayMs: 200,
      validate: () => [],
    });
    server.addHandler(
      Q,
      async (payload: { id: string; mode: string }) => {
        // The handler runs inside the consumer span: what it logs or calls belongs to the publisher's trace.
        handled.set(payload.id, trace.getActiveSpan()?.spanContext().traceId);
        if (payload.mode === 'invalid') throw new ValidationError('CPF_INVALID', 'cpf', 'check digits do not match');
        if (
          payload.mode === 'flaky' &&
          (flaky.set(payload.id, (flaky.get(payload.id) ?? 0) + 1).get(payload.id) ?? 0) === 1
        ) {
          throw new Error('store away');
        }
        return null;
      },
      false,
    );
    server.addHandler(
      BATCHED,
      async (payloads: { id: string }[]) => {
        for (const p of payloads) handled.set(p.id, trace.getActiveSpan()?.spanContext().traceId);
        return payloads.map(() => null);
      },
      false,
      { batch: { maxMessages: 10, maxWaitMs: 300 } },
    );
    await new Promise<void>((resolve, reject) =>
      server.listen((error?: unknown) => (error ? reject(error) : resolve())),
    );
    connection = connectRabbitMq(vhost.url, 'observed-publisher');
    publisher = new RabbitMqPublisher(connection, { retryDelayMs: 200 });
    await publisher.waitForConnect();
  }, 30_000);

  afterAll(async () => {
    await publisher?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await vhost?.drop();
    await tracing?.shutdown();
  });

  it("continues the publisher's trace in the consumer, through the message headers", async () => {
    const id = randomUUID();
    const tracer = trace.getTracer('test');
    const traceId = await tracer.startActiveSpan('partner request', async (span) => {
      await publisher.publish('', Q, { id, mode: 'ok' });
      span.end();
      return span.spanContext().traceId;
    });
    await waitFor(async () => handled.has(id), 10_000, 'the message to be handled');
    expect(handled.get(id)).toBe(traceId);
    const spans = await waitFor(
      async () => {
        const ofTrace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
        return ofTrace.length >= 3 ? ofTrace : undefined;
      },
      5_000,
      'the three spans of the trace',
    );
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
    const consumer = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(producer.name).toBe(`publish ${Q}`);
    expect(consumer.name).toBe(`process ${Q}`);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.destination.name': Q });
  });

  it('handles a batch in the trace of its first message, linked to the others', async () => {
    const tracer = trace.getTracer('test');
    const ids = [randomUUID(), randomUUID()];
    const traceIds: string[] = [];
    for (const id of ids) {
      traceIds.push(
        await tracer.startActiveSpan(`request ${id}`, async (span) => {
          await publisher.publish('', BATCHED, { id });
          span.end();
          return span.spanContext().traceId;
        }),
      );
    }
    await waitFor(async () => ids.every((id) => handled.has(id)), 10_000, 'the batch to be handled');
    const batch = exporter
      .getFinishedSpans()
      .find((s) => s.name === `process ${BATCHED}` && s.spanContext().traceId === traceIds[0]);
    expect(batch).toBeDefined();
    expect(batch!.links.map((l) => l.context.traceId)).toEqual([traceIds[1]]);
  });

  it('counts what it consumed, acked, retried and dead-lettered per queue, and reports queue depths at scrape', async () => {
    const before = {
      consumed: await sample('credit_rabbitmq_messages_consumed_total', { queue: Q }),
      acked: await sample('credit_rabbitmq_messages_acked_total', { queue: Q }),
      retried: await sample('credit_rabbitmq_messages_retried_total', { queue: Q }),
      dead: await sample('credit_rabbitmq_messages_dead_lettered_total', { queue: Q, code: 'CPF_INVALID' }),
    };
    const ok = randomUUID();
    const retried = randomUUID();
    const invalid = randomUUID();
    await publisher.publish('', Q, { id: ok, mode: 'ok' });
    await publisher.publish('', Q, { id: retried, mode: 'flaky' });
    await publisher.publish('', Q, { id: invalid, mode: 'invalid' });
    await waitFor(
      async () => (await sample('credit_rabbitmq_messages_acked_total', { queue: Q })) >= before.acked + 2,
      10_000,
      'two acks',
    );
    await waitFor(
      async () =>
        (await sample('credit_rabbitmq_messages_dead_lettered_total', { queue: Q, code: 'CPF_INVALID' })) > before.dead,
      5_000,
      'the dead letter',
    );
    // ok once, flaky twice (the retry came back), invalid once.
    expect(await sample('credit_rabbitmq_messages_consumed_total', { queue: Q })).toBe(before.consumed + 4);
    expect(await sample('credit_rabbitmq_messages_acked_total', { queue: Q })).toBe(before.acked + 2);
    expect(await sample('credit_rabbitmq_messages_retried_total', { queue: Q })).toBe(before.retried + 1);
    expect(await sample('credit_rabbitmq_messages_dead_lettered_total', { queue: Q, code: 'CPF_INVALID' })).toBe(
      before.dead + 1,
    );

    const text = await renderMetrics();
    expect(text).toContain(`credit_rabbitmq_queue_messages{queue="${deadLetterQueue(Q)}"} 1`);
    expect(text).toMatch(
      new RegExp(
        `credit_rabbitmq_message_handling_duration_seconds_count\\{queue="${Q.replace(/\./g, '\\.')}"\\} \\d+`,
      ),
    );
  });
});
