import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { startTracingSdk } from './tracing-sdk';

/** What the HTTP, Fastify and Nest instrumentations record for a request whose path names a consumer. */
describe('Spans leave the process with CPFs masked', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: { shutdown: () => Promise<void> };

  beforeAll(() => {
    tracing = startTracingSdk({ serviceName: 'redaction-test', exporter, instrumentLibraries: false });
  });
  afterAll(() => tracing.shutdown());

  it('masks attributes, the name, the status message and exception events, and keeps the rest', () => {
    const span = trace.getTracer('test').startSpan('PUT /v1/consumers/529.982.247-25', {
      attributes: {
        'url.path': '/v1/consumers/52998224725',
        'http.route': '/v1/consumers/:cpf',
        'server.port': 3000,
        'app.cpfs': ['52998224725', 'none'],
      },
    });
    span.recordException(new Error('no consumer 529.982.247-25'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'no consumer 52998224725' });
    span.end();

    const [exported] = exporter.getFinishedSpans();
    const text = JSON.stringify({ ...exported!.attributes, name: exported!.name, events: exported!.events });
    expect(text + exported!.status.message).not.toMatch(/52998224725|529\.982\.247-25/);
    expect(exported!.attributes).toMatchObject({
      'url.path': '/v1/consumers/***.982.247-**',
      'http.route': '/v1/consumers/:cpf',
      'server.port': 3000,
      'app.cpfs': ['***.982.247-**', 'none'],
    });
    expect(exported!.name).toBe('PUT /v1/consumers/***.982.247-**');
    expect(exported!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no consumer ***.982.247-**' });
    expect(exported!.events[0]!.attributes!['exception.message']).toBe('no consumer ***.982.247-**');
  });
});
