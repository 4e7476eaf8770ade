import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { activeTracing } from './observability/trace-context';
import { redactCpfs } from './redact';

/**
 * Nest's logger with every message passed through CPF redaction; JSON lines when LOG_FORMAT=json. With tracing on, a
 * line written inside a span carries its trace and span ids (`traceId`/`spanId` in JSON, `trace_id=` in text), added
 * after redaction: a hex id can hold eleven digits in a row, which redaction would take for a CPF.
 */
export class RedactingLogger extends ConsoleLogger {
  constructor(context = 'App', options: { json?: boolean; logLevels?: LogLevel[] } = {}) {
    super(context, {
      json: options.json ?? false,
      logLevels: options.logLevels,
      colors: !options.json && process.stdout.isTTY,
    });
  }

  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    pidMessage: string,
    formattedLogLevel: string,
    contextMessage: string,
    timestampDiff: string,
  ): string {
    const formatted = super.formatMessage(
      logLevel,
      message,
      pidMessage,
      formattedLogLevel,
      contextMessage,
      timestampDiff,
    );
    const line = redactCpfs(formatted);
    const ids = activeTracing()?.currentIds();
    return ids ? `${line.replace(/\n$/, '')} trace_id=${ids.traceId} span_id=${ids.spanId}\n` : line;
  }

  /** Nest calls this for every error() line, with no stack when the caller gave none. */
  protected override printStackTrace(stack: string | undefined): void {
    if (stack) super.printStackTrace(redactCpfs(stack));
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    const obj = super.getJsonLogObject(message, options);
    const redacted = JSON.parse(redactCpfs(JSON.stringify(obj))) as typeof obj;
    const ids = activeTracing()?.currentIds();
    return ids ? { ...redacted, traceId: ids.traceId, spanId: ids.spanId } : redacted;
  }
}

export function logLevelsFrom(level: string): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const wanted = level === 'info' ? 'log' : (level as LogLevel);
  const index = order.indexOf(wanted);
  return order.slice(0, index < 0 ? 4 : index + 1);
}
