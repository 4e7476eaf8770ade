import type { Attributes } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { redactCpfs } from '../redact';

/**
 * Masks CPFs in every span before it is exported, whichever instrumentation wrote them: the HTTP, Fastify and Nest
 * spans record the request's path (`/v1/consumers/123...`), and an exception event its message. It works in
 * onEnding, while the span still accepts changes; the exporting processor, listed after it, sees the masked span.
 */
export class CpfRedactingSpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(span: Span): void {
    for (const [key, value] of Object.entries(span.attributes)) {
      const masked = maskedValue(value);
      if (masked !== value && masked !== undefined) span.setAttribute(key, masked);
    }
    const name = redactCpfs(span.name);
    if (name !== span.name) span.updateName(name);
    if (span.status.message) span.setStatus({ ...span.status, message: redactCpfs(span.status.message) });
    // Events cannot be changed through the span's API once added; their attribute objects are the span's own.
    for (const event of span.events) if (event.attributes) maskInPlace(event.attributes);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function maskedValue<T>(value: T): T {
  if (typeof value === 'string') return redactCpfs(value) as T;
  if (Array.isArray(value)) {
    const masked = value.map((v: unknown) => (typeof v === 'string' ? redactCpfs(v) : v));
    return masked.some((v, i) => v !== value[i]) ? (masked as T) : value;
  }
  return value;
}

function maskInPlace(attributes: Attributes): void {
  for (const [key, value] of Object.entries(attributes)) attributes[key] = maskedValue(value);
}
