/**
 * What the platform's own code needs from tracing: carry a trace through RabbitMQ message headers, and put the trace
 * id in log lines. Nothing here loads OpenTelemetry: with tracing off (the default) `activeTracing()` is null and
 * every caller skips its tracing step, so it costs one null check. startTracing() installs the real implementation.
 */
export interface MessageTracing {
  /**
   * Runs a publish as a PRODUCER span and writes the span's context into `headers` (W3C traceparent/tracestate), so
   * that whoever consumes the message continues the same trace.
   */
  publish<T>(
    exchange: string,
    routingKey: string,
    headers: Record<string, unknown>,
    send: () => Promise<T>,
  ): Promise<T>;
  /** Runs the handling of one message as a CONSUMER span whose parent is the context its headers carry. */
  consume<T>(queue: string, headers: Record<string, unknown> | undefined, work: () => Promise<T>): Promise<T>;
  /**
   * Runs the handling of a batch as one CONSUMER span in the trace of its first message, linked to the traces of the
   * others (a batch joins several requests' traces; a span has one parent but may link to many).
   */
  consumeBatch<T>(queue: string, headers: (Record<string, unknown> | undefined)[], work: () => Promise<T>): Promise<T>;
  /** The trace and span ids of the active span, for log lines; undefined outside any span. */
  currentIds(): { traceId: string; spanId: string } | undefined;
}

let active: MessageTracing | null = null;

export function activeTracing(): MessageTracing | null {
  return active;
}

/** Called by startTracing() (and tests that install an in-memory exporter); null turns it off again. */
export function installTracing(tracing: MessageTracing | null): void {
  active = tracing;
}
