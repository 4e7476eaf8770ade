import { activeTracing } from './trace-context';
import { startTracing, tracingConfigured } from './tracing';

describe('Tracing is off unless an OTLP endpoint is configured', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
  ])('%j: %s', (env, on) => {
    expect(tracingConfigured(env)).toBe(on);
  });

  it('starts nothing without an endpoint: no tracer for the transport or the logger', () => {
    expect(startTracing('api', {})).toBe(false);
    expect(activeTracing()).toBeNull();
  });
});
