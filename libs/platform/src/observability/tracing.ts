import { activeTracing } from './trace-context';

/**
 * Whether this process traces: only when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT, or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT for traces alone) and the standard switches do not turn it off
 * (OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none). Off by default.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

let shutdown: (() => Promise<void>) | null = null;

/**
 * Starts OpenTelemetry tracing for this process when it is configured, and does nothing (loads no SDK) otherwise.
 * It must run before the modules it instruments (http, pg, ioredis, mongodb, Nest) are first required: each app's
 * main.ts imports its tracing.ts first, which calls this.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (activeTracing() || !tracingConfigured(env)) return false;
  // Required here, not imported at the top: a process that does not trace never loads the SDK.
  const sdk = require('./tracing-sdk') as typeof import('./tracing-sdk');
  shutdown = sdk.startTracingSdk({ serviceName: env.OTEL_SERVICE_NAME?.trim() || serviceName }).shutdown;
  return true;
}

/** Sends the spans still buffered, before the process exits. */
export async function stopTracing(): Promise<void> {
  const stop = shutdown;
  shutdown = null;
  await stop?.().catch(() => undefined);
}
