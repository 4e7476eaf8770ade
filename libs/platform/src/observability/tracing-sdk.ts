import {
  Context,
  Link,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  context,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { CpfRedactingSpanProcessor } from './redacting-span-processor';
import { MessageTracing, installTracing } from './trace-context';

interface TracingSdkOptions {
  serviceName: string;
  /** Where spans go; default: OTLP over HTTP, to the endpoint the OTEL_EXPORTER_OTLP_* variables name. */
  exporter?: SpanExporter;
  /**
   * Whether to patch the libraries (http, pg, ioredis, mongodb, Nest); default true. A test inside Jest passes false:
   * Jest's module loader bypasses the require hooks the instrumentations rely on.
   */
  instrumentLibraries?: boolean;
}

/** Paths that answer probes and scrapes: a span per scrape would bury the traces of real work. */
const UNTRACED_PATHS = new Set(['/metrics', '/health/live', '/health/ready']);

/**
 * The OpenTelemetry SDK for this process: a tracer provider with W3C trace-context propagation and async-hooks context,
 * the instrumentations of the libraries the apps use (the Elasticsearch client traces itself once a provider is
 * registered), and the platform's own RabbitMQ spans (MessageTracing), which carry the context in message headers.
 */
export function startTracingSdk(options: TracingSdkOptions): { shutdown: () => Promise<void> } {
  const exporter = options.exporter ?? new OTLPTraceExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    // CPFs masked first, then exported: a test's in-memory exporter sees each span as it ends; production batches them
    // off the request path.
    spanProcessors: [
      new CpfRedactingSpanProcessor(),
      options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
    ],
  });
  provider.register();
  const unregister =
    options.instrumentLibraries === false
      ? () => undefined
      : registerInstrumentations({ instrumentations: libraryInstrumentations() });
  installTracing(messageTracing());
  return {
    shutdown: async () => {
      installTracing(null);
      unregister();
      await provider.shutdown();
      // Lets a later start in the same process (tests) register its own provider.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function libraryInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!) }),
    // Fastify's hooks and handlers, registered as the API creates Fastify (the cached read's fast lane is before them).
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: ({ url }) => UNTRACED_PATHS.has(url),
    }),
    new NestInstrumentation(),
    // Statement text only, never parameter values: parameters hold CPFs, names and addresses. Queries outside any
    // request or message (the journal relays' appends, every cycle) would each start a trace of their own: skipped.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    // The default serializer keeps command arguments, which can hold a CPF in a key: only the command name is kept.
    new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
    new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
  ];
}

const RABBITMQ = { 'messaging.system': 'rabbitmq' };

function messageTracing(): MessageTracing {
  const tracer = trace.getTracer('credit-platform.rabbitmq');
  const run = async <T>(span: Span, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  };
  const parentOf = (headers: Record<string, unknown> | undefined): Context =>
    propagation.extract(ROOT_CONTEXT, headers ?? {});
  return {
    publish: (exchange, routingKey, headers, send) => {
      const attributes = {
        ...RABBITMQ,
        'messaging.operation.type': 'send',
        'messaging.destination.name': exchange || '(default)',
        'messaging.rabbitmq.destination.routing_key': routingKey,
      };
      return tracer.startActiveSpan(`publish ${routingKey}`, { kind: SpanKind.PRODUCER, attributes }, (span) => {
        propagation.inject(context.active(), headers);
        return run(span, send);
      });
    },
    consume: (queue, headers, work) => {
      const attributes = { ...RABBITMQ, 'messaging.operation.type': 'process', 'messaging.destination.name': queue };
      return tracer.startActiveSpan(
        `process ${queue}`,
        { kind: SpanKind.CONSUMER, attributes },
        parentOf(headers),
        (span) => run(span, work),
      );
    },
    consumeBatch: (queue, batch, work) => {
      const contexts = batch.map(parentOf);
      const links: Link[] = contexts.slice(1).flatMap((c) => {
        const linked = trace.getSpanContext(c);
        return linked && isSpanContextValid(linked) ? [{ context: linked }] : [];
      });
      const attributes = {
        ...RABBITMQ,
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.batch.message_count': batch.length,
      };
      return tracer.startActiveSpan(
        `process ${queue}`,
        { kind: SpanKind.CONSUMER, attributes, links },
        contexts[0] ?? ROOT_CONTEXT,
        (span) => run(span, work),
      );
    },
    currentIds: () => {
      const current = trace.getActiveSpan()?.spanContext();
      return current && isSpanContextValid(current) ? { traceId: current.traceId, spanId: current.spanId } : undefined;
    },
  };
}
